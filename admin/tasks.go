package admin

import (
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"net/http"
	"net/http/httptest"
	"regexp"
	"sort"
	"strconv"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/adaptor"
	"github.com/hibiken/asynq"

	"vivier"
	"vivier/templates"
)

// monitorPolicy is the Content-Security-Policy of Asynqmon's pages only: its
// single-page app starts from two inline scripts, allowed by their hashes
// (computed from the page it serves, so that an upgrade cannot break them
// silently) and injects its components' styles at run time. It would load
// Roboto and Material Icons from Google Fonts: refused, so that opening the
// monitor tells Google nothing (icons then show as their names). The rest of
// the back-office keeps the strict global policy.
func monitorPolicy(monitor http.Handler) string {
	rec := httptest.NewRecorder()
	monitor.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, monitorRoot+"/", nil))
	scripts := "'self'"
	for _, m := range inlineScript.FindAllStringSubmatch(rec.Body.String(), -1) {
		sum := sha256.Sum256([]byte(m[1]))
		scripts += " 'sha256-" + base64.StdEncoding.EncodeToString(sum[:]) + "'"
	}
	return "default-src 'self'; script-src " + scripts + "; " +
		"style-src 'self' 'unsafe-inline'; img-src 'self' data:; " +
		"font-src 'self'; connect-src 'self'; frame-src 'none'; frame-ancestors 'none'; " +
		"form-action 'self'; base-uri 'self'; object-src 'none'"
}

// monitorRoot is where Asynqmon is mounted (its RootPath).
const monitorRoot = "/admin/taches"

var inlineScript = regexp.MustCompile(`(?s)<script>(.*?)</script>`)

// taskMonitor serves Asynqmon (read-only: changes go through the failed
// tasks page, which carries CSRF tokens and writes the audit log).
func (h *Handler) taskMonitor() fiber.Handler {
	if h.TaskMonitor == nil {
		return func(*fiber.Ctx) error { return vivier.Errorf(vivier.ENOTFOUND, "Page introuvable.") }
	}
	policy := monitorPolicy(h.TaskMonitor)
	serve := adaptor.HTTPHandler(h.TaskMonitor)
	return func(c *fiber.Ctx) error {
		err := serve(c)
		c.Set(fiber.HeaderContentSecurityPolicy, policy)
		return err
	}
}

// FailedTask is a task that used up its retries and sits in Asynq's archive.
type FailedTask struct {
	ID, Queue, Type, LastError string
	FailedAt                   time.Time
	When                       time.Time // FailedAt in Paris time, for display
	Retried                    int
}

// failedTasks lists the archived tasks of every queue, newest failure first.
func (h *Handler) failedTasks() ([]FailedTask, error) {
	if h.Tasks == nil {
		return nil, nil
	}
	queues, err := h.Tasks.Queues()
	if err != nil {
		return nil, err
	}
	var out []FailedTask
	for _, q := range queues {
		for page := 1; ; page++ {
			infos, err := h.Tasks.ListArchivedTasks(q, asynq.PageSize(100), asynq.Page(page))
			if err != nil {
				return nil, err
			}
			for _, t := range infos {
				out = append(out, FailedTask{ID: t.ID, Queue: t.Queue, Type: t.Type, LastError: t.LastErr,
					FailedAt: t.LastFailedAt, When: t.LastFailedAt.In(vivier.Paris()), Retried: t.Retried})
			}
			if len(infos) < 100 {
				break
			}
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].FailedAt.After(out[j].FailedAt) })
	return out, nil
}

// failedCount is the number of archived tasks, for the alert of platform
// pages. Redis unreachable must not take those pages down: the count is then
// unknown (-1) and the page says so.
func (h *Handler) failedCount(c *fiber.Ctx) int {
	if h.Tasks == nil {
		return 0
	}
	queues, err := h.Tasks.Queues()
	if err != nil {
		h.Log.WarnContext(c.UserContext(), "failed tasks count", "err", err)
		return -1
	}
	n := 0
	for _, q := range queues {
		info, err := h.Tasks.GetQueueInfo(q)
		if err != nil {
			h.Log.WarnContext(c.UserContext(), "failed tasks count", "queue", q, "err", err)
			return -1
		}
		n += info.Archived
	}
	return n
}

func (h *Handler) failedTasksPage(c *fiber.Ctx) error {
	tasks, err := h.failedTasks()
	if err != nil {
		h.Log.WarnContext(c.UserContext(), "failed tasks", "err", err)
		return vivier.Errorf(vivier.EUNAVAILABLE, "La file des tâches (Redis) ne répond pas. Réessayez dans quelques minutes.")
	}
	unfinished, err := h.unfinishedTasks(c)
	if err != nil {
		return err
	}
	runs, err := h.Store.RetentionRuns(c.UserContext(), 20)
	if err != nil {
		return err
	}
	return h.page(c, fiber.StatusOK, "admin/failed_tasks", &failedTasksPage{Tasks: tasks, Unfinished: unfinished, Runs: runs})
}

// failedTasksPage lists the background tasks that used up their retries,
// what is still waiting, and the last runs of the retention task.
type failedTasksPage struct {
	templates.Page
	Tasks      []FailedTask
	Unfinished UnfinishedTasks
	Runs       []vivier.RetentionRun
}

// UnfinishedTasks is the work handed to the task queues and not done yet,
// as the outbox records it: the queues may have lost some of it, which the
// worker hands over again after a delay.
type UnfinishedTasks struct {
	Count  int
	Oldest string // how long the oldest has waited, in words
	Tasks  []UnfinishedTask
}

// UnfinishedTask is one of the oldest unfinished tasks.
type UnfinishedTask struct {
	Type, Queue, LastError string
	RelayedAt              time.Time
	When                   time.Time // RelayedAt in Paris time, for display
	Attempts               int
}

// unfinishedShown is how many of the oldest unfinished tasks the page lists.
const unfinishedShown = 20

func (h *Handler) unfinishedTasks(c *fiber.Ctx) (UnfinishedTasks, error) {
	u, err := h.Store.UnfinishedOutbox(c.UserContext(), unfinishedShown)
	if err != nil {
		return UnfinishedTasks{}, err
	}
	out := UnfinishedTasks{Count: u.Count, Oldest: durationFR(u.Oldest)}
	for _, m := range u.Messages {
		t := UnfinishedTask{Type: m.TaskType, Queue: m.Queue, LastError: m.LastError, Attempts: m.Attempts}
		if m.RelayedAt != nil {
			t.RelayedAt, t.When = *m.RelayedAt, m.RelayedAt.In(vivier.Paris())
		}
		out.Tasks = append(out.Tasks, t)
	}
	return out, nil
}

// durationFR says a duration in French, to its largest unit.
func durationFR(d time.Duration) string {
	switch {
	case d < time.Minute:
		return "moins d'une minute"
	case d < time.Hour:
		return plural(int(d/time.Minute), "minute", "minutes")
	case d < 48*time.Hour:
		return plural(int(d/time.Hour), "heure", "heures")
	}
	return plural(int(d/(24*time.Hour)), "jour", "jours")
}

// retryTask puts one archived task back in its queue.
func (h *Handler) retryTask(c *fiber.Ctx) error {
	if h.Tasks == nil {
		return vivier.Errorf(vivier.ENOTFOUND, "Tâche introuvable.")
	}
	queue, id := c.Params("queue"), c.Params("id")
	info, err := h.Tasks.GetTaskInfo(queue, id)
	if errors.Is(err, asynq.ErrQueueNotFound) || errors.Is(err, asynq.ErrTaskNotFound) {
		return vivier.Errorf(vivier.ENOTFOUND, "Cette tâche n'est plus en échec : elle a peut-être déjà été relancée.")
	}
	if err != nil {
		return err
	}
	if info.State != asynq.TaskStateArchived {
		// Already put back by someone else, or never failed: nothing to do.
		return vivier.Errorf(vivier.ENOTFOUND, "Cette tâche n'est plus en échec : elle a peut-être déjà été relancée.")
	}
	if err := h.Tasks.RunTask(queue, id); err != nil {
		if errors.Is(err, asynq.ErrTaskNotFound) {
			return vivier.Errorf(vivier.ENOTFOUND, "Cette tâche n'est plus en échec : elle a peut-être déjà été relancée.")
		}
		return vivier.Errorf(vivier.ECONFLICT, "Cette tâche ne peut pas être relancée.")
	}
	if err := h.Store.Audit(c.UserContext(), nil, actor(c), "task.retried", queue+"/"+id,
		map[string]string{"type": info.Type, "last_error": info.LastErr}); err != nil {
		return err
	}
	return h.back(c, platformURL("taches-en-echec"), "La tâche "+info.Type+" est relancée.")
}

// retryAllTasks puts every archived task back in its queue.
func (h *Handler) retryAllTasks(c *fiber.Ctx) error {
	if h.Tasks == nil {
		return h.back(c, platformURL("taches-en-echec"), "Aucune tâche à relancer.")
	}
	queues, err := h.Tasks.Queues()
	if err != nil {
		return vivier.Errorf(vivier.EUNAVAILABLE, "La file des tâches (Redis) ne répond pas. Réessayez dans quelques minutes.")
	}
	total := 0
	for _, q := range queues {
		n, err := h.Tasks.RunAllArchivedTasks(q)
		if err != nil {
			return err
		}
		total += n
	}
	if err := h.Store.Audit(c.UserContext(), nil, actor(c), "task.retried_all", "", map[string]int{"count": total}); err != nil {
		return err
	}
	return h.back(c, platformURL("taches-en-echec"), relaunched(total))
}

func relaunched(n int) string {
	switch n {
	case 0:
		return "Aucune tâche à relancer."
	case 1:
		return "1 tâche relancée."
	}
	return strconv.Itoa(n) + " tâches relancées."
}
