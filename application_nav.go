package vivier

// ApplicationNav is where one application stands in the list a recruiter
// opened it from: its place, how many the list holds, and its neighbours,
// so that the application view goes on to the next without the list.
type ApplicationNav struct {
	Position int   // from 1; 0 when the application no longer matches the list
	Total    int   // how many the list matches
	PrevID   int64 // 0 at the start of the list
	NextID   int64 // 0 at the end of the list
}
