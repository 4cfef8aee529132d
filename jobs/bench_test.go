package jobs_test

import (
	"context"
	"testing"

	"vivier"
	"vivier/jobs"
	"vivier/jobs/jobstest"
	"vivier/migrations/dbtest"
)

// BenchmarkRelay measures moving outbox rows to Redis, in batches of 100.
func BenchmarkRelay(b *testing.B) {
	ctx := context.Background()
	s := vivier.NewStore(dbtest.New(b))
	redis := jobstest.Redis(b)
	client := jobstest.Client(b, redis)
	relay := jobs.NewRelay(s, client, 100)
	b.ReportAllocs()
	for b.Loop() {
		b.StopTimer()
		for i := 0; i < 100; i++ {
			m, err := jobs.NewTestEmail("a@b.fr")
			if err != nil {
				b.Fatal(err)
			}
			if err := s.AddOutbox(ctx, &m); err != nil {
				b.Fatal(err)
			}
		}
		b.StartTimer()
		if n, err := relay.RunOnce(ctx); err != nil || n != 100 {
			b.Fatalf("relayed %d, %v", n, err)
		}
	}
	b.ReportMetric(float64(b.N*100)/b.Elapsed().Seconds(), "rows/s")
}
