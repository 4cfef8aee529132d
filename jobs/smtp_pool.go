package jobs

import (
	"context"
	"sync"
	"time"

	mail "github.com/wneessen/go-mail"
	"github.com/wneessen/go-mail/smtp"
)

// smtpPool keeps SMTP connections open between emails: a connection costs
// a TCP handshake, EHLO, STARTTLS and AUTH, several round trips each, where
// one more email on an open one costs MAIL, RCPT and DATA. Each connection
// carries one email at a time; a task takes one, sends, and gives it back.
//
// A connection is retired (QUIT) after maxUses emails, which providers cap
// per connection, and after idleFor without use, before a server's own
// timeout drops it; one that failed in any way is closed, never reused.
type smtpPool struct {
	dial     func(context.Context) (*smtpConn, error)
	keep     int // idle connections kept at most
	maxUses  int
	idleFor  time.Duration
	mu       sync.Mutex
	idle     []*smtpConn    // most recently used last
	reaper   *time.Timer    // closes the connections idle too long
	retiring sync.WaitGroup // goodbyes said in the background
}

// smtpConn is an open SMTP conversation between two emails.
type smtpConn struct {
	client *mail.Client
	sc     *smtp.Client
	uses   int
	idleAt time.Time
	fresh  bool // dialled for the email about to be sent
}

const (
	smtpConnMaxUses = 100
	smtpConnIdleFor = 30 * time.Second
)

func newSMTPPool(dial func(context.Context) (*smtpConn, error), keep int) *smtpPool {
	return &smtpPool{dial: dial, keep: max(keep, 1), maxUses: smtpConnMaxUses, idleFor: smtpConnIdleFor}
}

// resize sets how many idle connections are kept: one per task the worker
// runs at once.
func (p *smtpPool) resize(keep int) {
	p.mu.Lock()
	p.keep = max(keep, 1)
	p.mu.Unlock()
}

// take returns an open connection: the most recently used idle one, or a new one.
func (p *smtpPool) take(ctx context.Context) (*smtpConn, error) {
	p.mu.Lock()
	for len(p.idle) > 0 {
		c := p.idle[len(p.idle)-1]
		p.idle = p.idle[:len(p.idle)-1]
		if time.Since(c.idleAt) < p.idleFor {
			p.mu.Unlock()
			c.fresh = false
			return c, nil
		}
		p.retire(c)
	}
	p.mu.Unlock()
	c, err := p.dial(ctx)
	if err != nil {
		return nil, err
	}
	c.fresh = true
	return c, nil
}

// put gives back a connection whose last email went through; one that
// failed goes to discard instead.
func (p *smtpPool) put(c *smtpConn) {
	c.uses++
	p.mu.Lock()
	defer p.mu.Unlock()
	if c.uses >= p.maxUses || len(p.idle) >= p.keep {
		p.retire(c)
		return
	}
	c.idleAt = time.Now()
	p.idle = append(p.idle, c)
	if p.reaper == nil {
		p.reaper = time.AfterFunc(p.idleFor, p.reap)
	}
}

// discard closes a connection in an unknown state (an error mid-way).
func (p *smtpPool) discard(c *smtpConn) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.retire(c)
}

// reap retires the connections idle for too long, and comes back while
// some are left.
func (p *smtpPool) reap() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.reaper = nil
	kept := p.idle[:0]
	for _, c := range p.idle {
		if time.Since(c.idleAt) >= p.idleFor {
			p.retire(c)
		} else {
			kept = append(kept, c)
		}
	}
	clear(p.idle[len(kept):])
	p.idle = kept
	if len(p.idle) > 0 {
		p.reaper = time.AfterFunc(p.idleFor-time.Since(p.idle[0].idleAt), p.reap)
	}
}

// retire says goodbye (QUIT) in the background: no email waits on it, and
// its failure changes nothing. The caller holds p.mu.
func (p *smtpPool) retire(c *smtpConn) {
	p.retiring.Add(1)
	go func() {
		defer p.retiring.Done()
		_ = c.client.CloseWithSMTPClient(c.sc)
	}()
}

// close retires every idle connection and waits for the goodbyes. It is
// called once no task sends any more (the worker's shutdown); a connection
// given back later would be kept, and retired once idle.
func (p *smtpPool) close() {
	p.mu.Lock()
	if p.reaper != nil {
		p.reaper.Stop()
		p.reaper = nil
	}
	for _, c := range p.idle {
		p.retire(c)
	}
	p.idle = nil
	p.mu.Unlock()
	p.retiring.Wait()
}
