// Command govmomi-list is the govmomi peer of bench/vsphere-inventory: it does the same work
// as our connector's listAllVmsOneShot, with Debian's govmomi 0.24.2 library, so that the
// wall time, CPU time and peak RSS compare like with like.
//
//	login (HTTPS, SHA-256 pin) → ContainerView(VirtualMachine, recursive) →
//	RetrievePropertiesEx/ContinueRetrievePropertiesEx (maxObjects pages) → host names → logout
//
// and prints the VMs as one JSON array sorted by name:
// [{"name","powerState","numCpu","memoryMB","ip"?,"host"?}].
//
// Input from env: VSPHERE_URL, VSPHERE_USER, VSPHERE_PASSWORD, VSPHERE_FINGERPRINT_SHA256
// (upper- or lower-case hex, colons optional) and VSPHERE_MAX_OBJECTS (default 1000).
//
// Build: GOPATH=/usr/share/gocode GO111MODULE=off go build (the harness caches the binary
// under .cache/govmomi-list, as test/support/vcsim.ts does for vcsim).
package main

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"log"
	"net/url"
	"os"
	"sort"
	"strconv"
	"strings"

	"github.com/vmware/govmomi/session"
	"github.com/vmware/govmomi/vim25"
	"github.com/vmware/govmomi/vim25/methods"
	"github.com/vmware/govmomi/vim25/soap"
	"github.com/vmware/govmomi/vim25/types"
)

// vm is one output row; the field names are the harness's common JSON shape.
type vm struct {
	Name       string `json:"name"`
	PowerState string `json:"powerState"`
	NumCPU     int32  `json:"numCpu"`
	MemoryMB   int32  `json:"memoryMB"`
	IP         string `json:"ip,omitempty"`
	Host       string `json:"host,omitempty"`
	hostRef    types.ManagedObjectReference
}

var vmPaths = []string{"name", "runtime.powerState", "summary.config.numCpu", "summary.config.memorySizeMB", "guest.ipAddress", "runtime.host"}

func main() {
	log.SetFlags(0)
	log.SetPrefix("govmomi-list: ")
	ctx := context.Background()

	u, err := soap.ParseURL(mustEnv("VSPHERE_URL"))
	if err != nil {
		log.Fatal(err)
	}
	pin, err := hex.DecodeString(strings.ReplaceAll(mustEnv("VSPHERE_FINGERPRINT_SHA256"), ":", ""))
	if err != nil || len(pin) != sha256.Size {
		log.Fatal("VSPHERE_FINGERPRINT_SHA256 is not a SHA-256 fingerprint")
	}
	maxObjects := 1000
	if s := os.Getenv("VSPHERE_MAX_OBJECTS"); s != "" {
		if maxObjects, err = strconv.Atoi(s); err != nil || maxObjects < 1 {
			log.Fatal("VSPHERE_MAX_OBJECTS must be a positive integer")
		}
	}

	// govmomi 0.24.2 pins only SHA-1 thumbprints (soap.Client.SetThumbprint), and only after a
	// failed default handshake, so every new connection would cost two handshakes. Instead we
	// take the client without its own checks (insecure=true also drops that DialTLS fallback)
	// and give its transport the standard library's hook with the same SHA-256 pin as ours:
	// the handshake fails unless the leaf certificate's DER hashes to the pin.
	sc := soap.NewClient(u, true)
	sc.DefaultTransport().TLSClientConfig = &tls.Config{
		InsecureSkipVerify: true,
		VerifyPeerCertificate: func(raw [][]byte, _ [][]*x509.Certificate) error {
			if len(raw) == 0 {
				return errors.New("server sent no certificate")
			}
			seen := sha256.Sum256(raw[0])
			if !bytes.Equal(seen[:], pin) {
				return fmt.Errorf("certificate fingerprint %X does not match the pin", seen)
			}
			return nil
		},
	}

	c, err := vim25.NewClient(ctx, sc)
	if err != nil {
		log.Fatal(err)
	}
	sm := session.NewManager(c)
	if err := sm.Login(ctx, url.UserPassword(mustEnv("VSPHERE_USER"), mustEnv("VSPHERE_PASSWORD"))); err != nil {
		log.Fatal(err)
	}

	vms, err := listVMs(ctx, c, maxObjects)
	if err == nil {
		err = resolveHosts(ctx, c, vms, maxObjects)
	}
	// Log out even after a failure: a vCenter session is a server-side resource.
	if lerr := sm.Logout(ctx); err == nil {
		err = lerr
	}
	if err != nil {
		log.Fatal(err)
	}

	sort.Slice(vms, func(i, j int) bool { return vms[i].Name < vms[j].Name })
	out := bufio.NewWriterSize(os.Stdout, 1<<16)
	if err := json.NewEncoder(out).Encode(vms); err != nil {
		log.Fatal(err)
	}
	if err := out.Flush(); err != nil {
		log.Fatal(err)
	}
}

// listVMs reads every VM under the root folder through a ContainerView, page by page.
func listVMs(ctx context.Context, c *vim25.Client, maxObjects int) ([]*vm, error) {
	view, err := methods.CreateContainerView(ctx, c, &types.CreateContainerView{
		This:      *c.ServiceContent.ViewManager,
		Container: c.ServiceContent.RootFolder,
		Type:      []string{"VirtualMachine"},
		Recursive: true,
	})
	if err != nil {
		return nil, err
	}
	spec := types.PropertyFilterSpec{
		PropSet: []types.PropertySpec{{Type: "VirtualMachine", PathSet: vmPaths}},
		ObjectSet: []types.ObjectSpec{{
			Obj:       view.Returnval,
			Skip:      types.NewBool(true),
			SelectSet: []types.BaseSelectionSpec{&types.TraversalSpec{SelectionSpec: types.SelectionSpec{Name: "view"}, Type: "ContainerView", Path: "view"}},
		}},
	}
	var vms []*vm
	err = retrieveAll(ctx, c, spec, maxObjects, func(oc types.ObjectContent) {
		v := &vm{}
		for _, p := range oc.PropSet {
			// vcsim sends unset properties in later pages as a propSet with no value.
			switch val := p.Val.(type) {
			case string:
				if p.Name == "name" {
					v.Name = val
				} else if p.Name == "guest.ipAddress" {
					v.IP = val
				}
			case types.VirtualMachinePowerState:
				v.PowerState = string(val)
			case int32:
				if p.Name == "summary.config.numCpu" {
					v.NumCPU = val
				} else {
					v.MemoryMB = val
				}
			case types.ManagedObjectReference:
				v.hostRef = val
			}
		}
		vms = append(vms, v)
	})
	_, derr := methods.DestroyView(ctx, c, &types.DestroyView{This: view.Returnval})
	if err == nil {
		err = derr
	}
	return vms, err
}

// resolveHosts reads the name of each distinct host once, in one paged call.
func resolveHosts(ctx context.Context, c *vim25.Client, vms []*vm, maxObjects int) error {
	seen := map[types.ManagedObjectReference]bool{}
	spec := types.PropertyFilterSpec{PropSet: []types.PropertySpec{{Type: "HostSystem", PathSet: []string{"name"}}}}
	for _, v := range vms {
		if v.hostRef.Value != "" && !seen[v.hostRef] {
			seen[v.hostRef] = true
			spec.ObjectSet = append(spec.ObjectSet, types.ObjectSpec{Obj: v.hostRef})
		}
	}
	if len(spec.ObjectSet) == 0 {
		return nil
	}
	names := map[types.ManagedObjectReference]string{}
	err := retrieveAll(ctx, c, spec, maxObjects, func(oc types.ObjectContent) {
		for _, p := range oc.PropSet {
			if s, ok := p.Val.(string); ok {
				names[oc.Obj] = s
			}
		}
	})
	for _, v := range vms {
		v.Host = names[v.hostRef]
	}
	return err
}

// retrieveAll runs RetrievePropertiesEx and follows its tokens until the last page.
func retrieveAll(ctx context.Context, c *vim25.Client, spec types.PropertyFilterSpec, maxObjects int, each func(types.ObjectContent)) error {
	pc := c.ServiceContent.PropertyCollector
	res, err := methods.RetrievePropertiesEx(ctx, c, &types.RetrievePropertiesEx{
		This:    pc,
		SpecSet: []types.PropertyFilterSpec{spec},
		Options: types.RetrieveOptions{MaxObjects: int32(maxObjects)},
	})
	if err != nil {
		return err
	}
	page := res.Returnval
	for page != nil {
		for _, oc := range page.Objects {
			each(oc)
		}
		if page.Token == "" {
			return nil
		}
		next, err := methods.ContinueRetrievePropertiesEx(ctx, c, &types.ContinueRetrievePropertiesEx{This: pc, Token: page.Token})
		if err != nil {
			return err
		}
		page = &next.Returnval
	}
	return nil
}

func mustEnv(name string) string {
	v := os.Getenv(name)
	if v == "" {
		log.Fatalf("%s is not set", name)
	}
	return v
}
