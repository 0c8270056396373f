// Command vcsim is KeyBroker's test vCenter: govmomi's simulator.VPX() model served over
// HTTPS on 127.0.0.1 with a random port (DESIGN.md "Testing with real parts").
//
// Debian ships govmomi 0.24.2 as a library only (no vcsim command), so tests build this
// file with `GOPATH=/usr/share/gocode GO111MODULE=off go build` (see test/support/vcsim.ts).
//
// On start it prints ONE JSON line to stdout:
//
//	{"url":"https://127.0.0.1:PORT/sdk","fingerprintSha256":"AA:BB:..."}
//
// and serves until SIGTERM/SIGINT or until stdin closes (so it dies with its parent).
// GET /kbtest/counts returns a JSON map of SOAP method name -> calls received, so tests
// can prove, for example, that a failed login was never retried. The vAPI REST service
// (tags, categories, content libraries) answers under /rest; in govmomi 0.24.2 its session
// login accepts any non-empty Basic pair.
package main

import (
	"bytes"
	"crypto/sha256"
	"crypto/tls"
	"encoding/json"
	"encoding/xml"
	"flag"
	"fmt"
	"io"
	"log"
	"net/http"
	"net/url"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"sync"
	"syscall"

	"github.com/vmware/govmomi/simulator"
	// The vAPI REST service (tags, categories, content libraries) under /rest, registered
	// on the same server when Service.RegisterEndpoints is set.
	_ "github.com/vmware/govmomi/vapi/simulator"
)

func main() {
	vms := flag.Int("vms", 2, "VMs per resource pool and per standalone host")
	clusters := flag.Int("clusters", 1, "clusters in the datacenter")
	hosts := flag.Int("hosts", 3, "hosts per cluster")
	standalone := flag.Int("standalone", 1, "standalone hosts in the datacenter")
	useTLS := flag.Bool("tls", true, "serve HTTPS with the simulator's self-signed certificate")
	username := flag.String("username", "", "when set with -password, Login accepts only this pair")
	password := flag.String("password", "", "see -username")
	delays := delayFlag{}
	flag.Var(delays, "delay", "METHOD:MS delays a SOAP method (repeatable, or comma-separated)")
	flag.Parse()

	if (*username == "") != (*password == "") {
		log.Fatal("vcsim: -username and -password must be given together")
	}

	model := simulator.VPX()
	model.Machine = *vms
	model.Cluster = *clusters
	model.ClusterHost = *hosts
	model.Host = *standalone
	model.DelayConfig.MethodDelay = delays
	if err := model.Create(); err != nil {
		log.Fatalf("vcsim: create model: %v", err)
	}
	// Remove deletes the temp directories that back the simulated datastores.
	defer model.Remove()

	// Listen.User decides what Login accepts (SessionManager.validLogin in 0.24.2): nil means
	// any non-empty pair, anything else means exactly that pair.
	listen := &url.URL{Host: "127.0.0.1:0"}
	if *username != "" {
		listen.User = url.UserPassword(*username, *password)
	}
	model.Service.Listen = listen
	if *useTLS {
		model.Service.TLS = new(tls.Config)
	}

	// NewServer serves Service.ServeMux and registers "/sdk" on it itself, so we cannot
	// wrap that handler. A host-specific pattern takes precedence over a plain path in
	// http.ServeMux, so "127.0.0.1/sdk" routes every SOAP call through the counter first.
	counter := &methodCounter{counts: map[string]int{}}
	mux := http.NewServeMux()
	sdk := counter.wrap(http.HandlerFunc(model.Service.ServeSDK))
	mux.Handle("127.0.0.1/sdk", sdk)
	mux.Handle("localhost/sdk", sdk)
	mux.HandleFunc("/kbtest/counts", counter.serve)
	model.Service.ServeMux = mux
	model.Service.RegisterEndpoints = true

	server := model.Service.NewServer()
	defer server.Close()

	ready := struct {
		URL         string `json:"url"`
		Fingerprint string `json:"fingerprintSha256,omitempty"`
	}{URL: server.URL.Scheme + "://" + server.URL.Host + server.URL.Path}
	if *useTLS {
		ready.Fingerprint = fingerprint(server.Certificate().Raw)
	}
	line, _ := json.Marshal(ready)
	fmt.Println(string(line))

	stop := make(chan struct{}, 2)
	signals := make(chan os.Signal, 1)
	signal.Notify(signals, syscall.SIGTERM, syscall.SIGINT)
	go func() { <-signals; stop <- struct{}{} }()
	// A parent that dies without killing us closes our stdin: never outlive the tests.
	go func() { _, _ = io.Copy(io.Discard, os.Stdin); stop <- struct{}{} }()
	<-stop
}

// fingerprint is the SHA-256 of a certificate's DER, upper-case hex joined by colons,
// the form KeyBroker's FingerprintSha256 contract normalises to.
func fingerprint(der []byte) string {
	sum := sha256.Sum256(der)
	parts := make([]string, len(sum))
	for i, b := range sum {
		parts[i] = fmt.Sprintf("%02X", b)
	}
	return strings.Join(parts, ":")
}

// methodCounter counts SOAP calls by method name (the first element inside soapenv:Body).
type methodCounter struct {
	mu     sync.Mutex
	counts map[string]int
}

func (c *methodCounter) wrap(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPost {
			body, err := io.ReadAll(r.Body)
			_ = r.Body.Close()
			if err != nil {
				w.WriteHeader(http.StatusBadRequest)
				return
			}
			// ServeSDK reads the body again, so hand it a fresh reader over the same bytes.
			r.Body = io.NopCloser(bytes.NewReader(body))
			c.mu.Lock()
			c.counts[methodName(body)]++
			c.mu.Unlock()
		}
		next.ServeHTTP(w, r)
	})
}

func (c *methodCounter) serve(w http.ResponseWriter, _ *http.Request) {
	c.mu.Lock()
	out, _ := json.Marshal(c.counts)
	c.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	_, _ = w.Write(out)
}

// methodName returns the local name of the first element inside the SOAP Body, or
// "(invalid)" when the request is not a SOAP envelope (such requests are counted too).
func methodName(body []byte) string {
	dec := xml.NewDecoder(bytes.NewReader(body))
	inBody := false
	for {
		tok, err := dec.Token()
		if err != nil {
			return "(invalid)"
		}
		if start, ok := tok.(xml.StartElement); ok {
			if inBody {
				return start.Name.Local
			}
			inBody = start.Name.Local == "Body" && start.Name.Space == "http://schemas.xmlsoap.org/soap/envelope/"
		}
	}
}

// delayFlag parses -delay METHOD:MS into the simulator's MethodDelay map.
type delayFlag map[string]int

func (d delayFlag) String() string { return fmt.Sprint(map[string]int(d)) }

func (d delayFlag) Set(value string) error {
	for _, item := range strings.Split(value, ",") {
		method, ms, ok := strings.Cut(item, ":")
		n, err := strconv.Atoi(ms)
		if !ok || method == "" || err != nil || n < 0 {
			return fmt.Errorf("expected METHOD:MS, got %q", item)
		}
		d[method] = n
	}
	return nil
}
