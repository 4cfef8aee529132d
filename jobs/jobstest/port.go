package jobstest

import (
	"net"
	"testing"
)

// FreePort returns a loopback port that nobody listens on right now, for a
// server that a test starts as a process of its own.
func FreePort(t testing.TB) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer Close(t, l)
	return l.Addr().(*net.TCPAddr).Port
}
