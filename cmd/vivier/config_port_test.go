package main

import (
	"strings"
	"testing"
)

// Platforms that run a Procfile (and some container platforms) give the port
// to listen on in PORT, and route to it from outside the container: the web
// process must listen on every interface there, unless ADDR says otherwise.
func TestConfigHonoursPORT(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		env      map[string]string
		addr     string
		baseHost string
	}{
		{map[string]string{"PORT": "5000"}, "0.0.0.0:5000", "0.0.0.0:5000"},
		{map[string]string{"PORT": " 5000 ", "BASE_URL": "https://vivier.exemple.gouv.fr"}, "0.0.0.0:5000", "vivier.exemple.gouv.fr"},
		{map[string]string{"PORT": "5000", "ADDR": "127.0.0.1:9090"}, "127.0.0.1:9090", "127.0.0.1:9090"},
		{map[string]string{}, "127.0.0.1:8080", "127.0.0.1:8080"},
	} {
		c, err := LoadConfig(mapEnv(tc.env))
		if err != nil {
			t.Errorf("%v: %v", tc.env, err)
			continue
		}
		if c.Addr != tc.addr || !strings.Contains(c.BaseURL, "//"+tc.baseHost) {
			t.Errorf("%v: Addr %q, BaseURL %q; want %q and a base URL on %q", tc.env, c.Addr, c.BaseURL, tc.addr, tc.baseHost)
		}
	}
	for _, bad := range []string{"http", "0", "65536", "-1", "80 80"} {
		_, err := LoadConfig(mapEnv(map[string]string{"PORT": bad}))
		if err == nil || !strings.Contains(err.Error(), "PORT=") {
			t.Errorf("PORT=%q: error %v does not name the variable", bad, err)
		}
	}
	// ADDR set: PORT is not read, so a stray value does not stop the program.
	if c, err := LoadConfig(mapEnv(map[string]string{"ADDR": ":8081", "PORT": "http"})); err != nil || c.Addr != ":8081" {
		t.Errorf("ADDR with a bad PORT: %q, %v", c.Addr, err)
	}
}
