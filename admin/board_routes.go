package admin

import (
	"strconv"

	"github.com/gofiber/fiber/v2"

	"vivier"
	"vivier/policies"
	"vivier/templates"
)

// boardRoutes are the selection boards' routes: managers (boards:manage)
// create boards and set them up; members (boards:mark) mark, and the
// president closes the marking, draws up the lists and arrests the results.
// Whether the agent sits on the board, and presides it, is the Store's
// check: a route's permission only opens the page.
func (h *Handler) boardRoutes() []Route {
	manage, mark := policies.BoardsManage, policies.BoardsMark
	return []Route{
		{Method: "GET", Path: "/:adm/jurys", Access: administration, perm: mark, handler: h.myBoardsPage},
		{Method: "GET", Path: "/:adm/offres/:offer/jurys", Access: administration, perm: manage, handler: h.offerBoardsPage},
		{Method: "POST", Path: "/:adm/offres/:offer/jurys", Access: administration, perm: manage, handler: h.createBoardForm},
		{Method: "POST", Path: "/:adm/offres/:offer/candidatures/lot/jury", Access: administration, perm: manage, handler: h.bulkAssignToBoard},
		{Method: "GET", Path: "/:adm/jurys/:board", Access: administration, perm: manage, handler: h.boardSettingsPage},
		{Method: "POST", Path: "/:adm/jurys/:board", Access: administration, perm: manage, handler: h.saveBoardSettings},
		{Method: "POST", Path: "/:adm/jurys/:board/grille", Access: administration, perm: manage, handler: h.saveBoardGrid},
		{Method: "POST", Path: "/:adm/jurys/:board/membres", Access: administration, perm: manage, handler: h.addMember},
		{Method: "POST", Path: "/:adm/jurys/:board/membres/:member/retrait", Access: administration, perm: manage, handler: h.removeMember},
		{Method: "POST", Path: "/:adm/jurys/:board/presidence", Access: administration, perm: manage, handler: h.choosePresident},
		{Method: "GET", Path: "/:adm/jurys/:board/notation", Access: administration, perm: mark, handler: h.markingPage},
		{Method: "POST", Path: "/:adm/jurys/:board/notation/:application", Access: administration, perm: mark, handler: h.saveMarking},
		{Method: "POST", Path: "/:adm/jurys/:board/notation/:application/conflit", Access: administration, perm: mark, handler: h.declareConflictForm},
		{Method: "POST", Path: "/:adm/jurys/:board/cloture", Access: administration, perm: mark, handler: h.closeMarkingForm},
		{Method: "GET", Path: "/:adm/jurys/:board/resultats", Access: administration, perm: mark, handler: h.resultsPage},
		{Method: "POST", Path: "/:adm/jurys/:board/departage", Access: administration, perm: mark, handler: h.chooseTieRule},
		{Method: "POST", Path: "/:adm/jurys/:board/listes", Access: administration, perm: mark, handler: h.placeOnListForm},
		{Method: "POST", Path: "/:adm/jurys/:board/listes/proposition", Access: administration, perm: mark, handler: h.proposeListsForm},
		{Method: "POST", Path: "/:adm/jurys/:board/listes/:application/retrait", Access: administration, perm: mark, handler: h.removeFromListForm},
		{Method: "POST", Path: "/:adm/jurys/:board/arret", Access: administration, perm: mark, handler: h.arrestForm},
		{Method: "GET", Path: "/:adm/jurys/:board/proces-verbal", Access: administration, perm: mark, handler: h.minutesPage},
		{Method: "GET", Path: "/:adm/jurys/:board/proces-verbal.pdf", Access: administration, perm: mark, handler: h.minutesPDFFile},
	}
}

func boardParam(c *fiber.Ctx) (int64, error) {
	return templates.ParamID(c, "board")
}

// boardApplicationParams reads the route's board and application.
func boardApplicationParams(c *fiber.Ctx) (board, app int64, err error) {
	if board, err = boardParam(c); err != nil {
		return 0, 0, err
	}
	app, err = templates.ParamID(c, "application")
	return board, app, err
}

// boardURL is a board's page ("" for its settings, "/notation", ...).
func boardURL(adm *vivier.Administration, id int64, page string) string {
	return admURL(adm, "/jurys/"+strconv.FormatInt(id, 10)+page)
}
