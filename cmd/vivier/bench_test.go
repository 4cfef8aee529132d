package main

import (
	"io"
	"net/http"
	"testing"
)

// BenchmarkHomePage measures a full request for / through the whole program
// (middleware, CSRF token storage in PostgreSQL, template, compression off).
func BenchmarkHomePage(b *testing.B) {
	p := startProgram(b, "serve", map[string]string{"LOG_LEVEL": "error"})
	benchGet(b, p.URL+"/", true)
}

// BenchmarkHomePageReturningVisitor is the same with the CSRF cookie already
// set, as for a visitor's second page.
func BenchmarkHomePageReturningVisitor(b *testing.B) {
	p := startProgram(b, "serve", map[string]string{"LOG_LEVEL": "error"})
	benchGet(b, p.URL+"/", false)
}

// BenchmarkStaticAsset measures serving the public pages' DSFR stylesheet (gzip).
func BenchmarkStaticAsset(b *testing.B) {
	p := startProgram(b, "serve", map[string]string{"LOG_LEVEL": "error"})
	benchGet(b, p.URL+p.renderer.Assets().URL("dsfr/public.min.css"), false)
}

func benchGet(b *testing.B, url string, fresh bool) {
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 64}}
	// Kept-alive connections would hold the program's shutdown until its
	// timeout.
	b.Cleanup(client.CloseIdleConnections)
	var cookies []*http.Cookie
	if !fresh {
		resp, err := client.Get(url)
		if err != nil {
			b.Fatal(err)
		}
		resp.Body.Close()
		cookies = resp.Cookies()
	}
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			req, err := http.NewRequest("GET", url, nil)
			if err != nil {
				b.Error(err)
				return
			}
			req.Header.Set("Accept-Encoding", "gzip")
			if !fresh {
				for _, c := range cookies {
					req.AddCookie(c)
				}
			}
			resp, err := client.Do(req)
			if err != nil {
				b.Fatal(err)
			}
			_, err = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if err != nil {
				b.Fatal(err)
			}
			if resp.StatusCode != 200 {
				b.Fatalf("status %d", resp.StatusCode)
			}
		}
	})
	b.StopTimer()
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "req/s")
}

// BenchmarkOfferPage measures an offer page through the whole program: the
// offer, its skills, its employer's brand, related offers, the template.
func BenchmarkOfferPage(b *testing.B) {
	p := startDemo(b, "serve", map[string]string{"LOG_LEVEL": "error"})
	o := openOfferWithQuestion(b, p)
	benchGet(b, p.URL+"/offres/"+itoa(o.ID), false)
}
