package jobs

import (
	"context"
	"time"

	"github.com/hibiken/asynq"
	"github.com/prometheus/client_golang/prometheus"

	"vivier"
)

// QueueCollector exports the size of each Asynq queue by state.
type QueueCollector struct {
	inspector *asynq.Inspector
	size      *prometheus.Desc
	up        *prometheus.Desc
}

// NewQueueCollector reads queue sizes from Redis at each scrape.
func NewQueueCollector(inspector *asynq.Inspector) *QueueCollector {
	return &QueueCollector{
		inspector: inspector,
		size:      prometheus.NewDesc("vivier_asynq_tasks", "Tasks in each Asynq queue, by state.", []string{"queue", "state"}, nil),
		up:        prometheus.NewDesc("vivier_asynq_up", "1 when Redis answered the last scrape.", nil, nil),
	}
}

// Describe implements prometheus.Collector.
func (c *QueueCollector) Describe(ch chan<- *prometheus.Desc) { ch <- c.size; ch <- c.up }

// Collect implements prometheus.Collector.
func (c *QueueCollector) Collect(ch chan<- prometheus.Metric) {
	queues, err := c.inspector.Queues()
	if err != nil {
		ch <- prometheus.MustNewConstMetric(c.up, prometheus.GaugeValue, 0)
		return
	}
	ch <- prometheus.MustNewConstMetric(c.up, prometheus.GaugeValue, 1)
	for _, q := range queues {
		info, err := c.inspector.GetQueueInfo(q)
		if err != nil {
			continue
		}
		for state, n := range map[string]int{"pending": info.Pending, "active": info.Active, "scheduled": info.Scheduled,
			"retry": info.Retry, "archived": info.Archived, "completed": info.Completed} {
			ch <- prometheus.MustNewConstMetric(c.size, prometheus.GaugeValue, float64(n), q, state)
		}
	}
}

// OutboxCollector exports the outbox rows relayed but not done: tasks that
// Redis holds and that did not finish (running, retrying, failed for good),
// or that it lost and that wait for their redelivery. A count that grows,
// or an oldest age past the redelivery delay, is worth a look.
type OutboxCollector struct {
	store  *vivier.Store
	count  *prometheus.Desc
	oldest *prometheus.Desc
}

// NewOutboxCollector reads the unfinished rows from PostgreSQL at each scrape.
func NewOutboxCollector(store *vivier.Store) *OutboxCollector {
	return &OutboxCollector{
		store: store,
		count: prometheus.NewDesc("vivier_outbox_unfinished",
			"Outbox rows relayed to the worker queues whose task is not done; -1 when PostgreSQL does not answer.", nil, nil),
		oldest: prometheus.NewDesc("vivier_outbox_unfinished_oldest_seconds",
			"Time since the oldest unfinished outbox row was relayed; -1 when PostgreSQL does not answer.", nil, nil),
	}
}

// Describe implements prometheus.Collector.
func (c *OutboxCollector) Describe(ch chan<- *prometheus.Desc) { ch <- c.count; ch <- c.oldest }

// Collect implements prometheus.Collector.
func (c *OutboxCollector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	n, age := -1.0, -1.0
	if u, err := c.store.UnfinishedOutbox(ctx, 0); err == nil {
		n, age = float64(u.Count), u.Oldest.Seconds()
	}
	ch <- prometheus.MustNewConstMetric(c.count, prometheus.GaugeValue, n)
	ch <- prometheus.MustNewConstMetric(c.oldest, prometheus.GaugeValue, age)
}
