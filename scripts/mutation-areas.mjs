// The mutation-testing areas of `npm run mutation -- AREA` (docs/TESTING.md "Mutation
// testing"): the security-critical source files of each area, and the FAST tests that guard
// them (unit tests on real parts; no vcsim, no Secret Service, no end-to-end processes), so
// one area finishes in minutes on two cores. When a file moves or a test is added, update
// the lists here; nothing else needs to change.

/** @type {Record<string, { what: string, mutate: string[], tests: string[] }>} */
export const AREAS = {
  http: {
    what: 'HTTP front door: request checks, rate limiter, API key, body cap, CORS, sessions by key',
    mutate: [
      'src/platform/http/api-key.ts',
      'src/platform/http/cors-headers.ts',
      'src/platform/http/http-front-door.ts',
      'src/platform/http/http-rejection.ts',
      'src/platform/http/http-session-router.ts',
      'src/platform/http/rate-limiter.ts',
      'src/platform/http/read-body.ts',
      'src/platform/http/request-checks.ts',
      // Issue 10: coalesced refusals and the unauthenticated budget.
      'src/platform/http/refusal-coalescer.ts',
      'src/platform/http/unauth-budget.ts',
      // D3-bounds (D261): a request's progress waits while its SSE response is full.
      'src/platform/http/sse-backpressure.ts',
      // E5-httpstall: a response full for 5 minutes ends its session; keep-alives skip a full stream.
      'src/platform/http/stalled-responses.ts',
    ],
    tests: [
      'test/platform/http/api-key.test.ts',
      'test/platform/http/api-key-constant-time.test.ts',
      'test/platform/http/http-front-door.test.ts',
      'test/platform/http/http-rejection-texts.test.ts',
      'test/platform/http/http-front-door-details.test.ts',
      'test/platform/http/http-request-details.test.ts',
      'test/platform/http/http-settings.test.ts',
      'test/platform/http/rate-limiter.test.ts',
      'test/platform/http/read-body.test.ts',
      'test/platform/http/request-checks.test.ts',
      'test/platform/http/refusal-coalescer.test.ts',
      'test/platform/http/http-front-door-edges.test.ts',
      'test/platform/http/unauth-budget.test.ts',
      'test/platform/http/refusal-coalescer-details.test.ts',
      // The session router's edges (cap after eviction, LRU tie, idle sweep, labels).
      'test/platform/http/http-session-router-edges.test.ts',
      // R9-attack (D170, D171): connections past the cap, header and request deadlines, a batch's rate tokens.
      'test/platform/http/http-attacks.test.ts',
      'test/platform/http/rate-limiter-cost.test.ts',
      // D3-bounds: the compromised child's progress flood over the real door and Gateway (about 12 s).
      'test/platform/http/http-progress-flood.test.ts',
      // and SseBackpressure alone on real sockets whose client stops reading (under a second).
      'test/platform/http/sse-backpressure.test.ts',
      // E5-httpstall: StalledResponses alone on real sockets and a ManualClock (under a second).
      'test/platform/http/stalled-responses.test.ts',
    ],
  },
  tls: {
    what: 'upstream TLS: connector, pinning, dispatcher options, connection reuse, error mapping',
    mutate: [
      'src/connectors/tls/after-idle-turn.ts',
      'src/connectors/tls/certificate-fingerprint.ts',
      'src/connectors/tls/create-upstream-connector.ts',
      'src/connectors/tls/create-upstream-dispatcher.ts',
      'src/connectors/tls/map-upstream-error.ts',
    ],
    tests: [
      'test/connectors/tls/certificate-fingerprint.test.ts',
      'test/connectors/tls/create-upstream-connector.test.ts',
      'test/connectors/tls/create-upstream-dispatcher.test.ts',
      'test/connectors/tls/map-upstream-error.test.ts',
      'test/connectors/tls/map-upstream-error-messages.test.ts',
      'test/connectors/tls/upstream-tls-details.test.ts',
      // Issue 13: P6 and vSphere meet the same bad certificate with the same code and message.
      'test/connectors/tls/same-error-every-kind.test.ts',
    ],
  },
  policy: {
    what: 'tool policy (fail closed), approvals queue, read-only endpoints, rules, globs, time windows, blast radius, secret arguments',
    mutate: [
      'src/platform/gateway/tool-policy.ts',
      'src/platform/approvals/pending-approvals.ts',
      // Issue 14: rules on plan facts, time windows, globs, blast-radius limits; issue 11: secret arguments.
      'src/base/policy/evaluate-rules.ts',
      'src/base/policy/glob.ts',
      'src/base/policy/time-window.ts',
      'src/platform/gateway/blast-radius.ts',
      'src/platform/gateway/secret-args.ts',
      // D1-policyconsent: which config.json edits loosen the policy (and wait for a person).
      'src/base/policy/policy-loosenings.ts',
    ],
    tests: [
      'test/platform/gateway/tool-policy-fail-closed.test.ts',
      'test/base/policy/policy-loosenings.test.ts',
      'test/platform/approvals/pending-approvals-queue.test.ts',
      'test/platform/gateway/tool-policy.test.ts',
      'test/base/policy/evaluate-rules.test.ts',
      'test/platform/gateway/blast-radius.test.ts',
      'test/platform/gateway/secret-args.test.ts',
      // Issue 12: the edges the widened area's survivors showed.
      'test/base/policy/time-window-details.test.ts',
      'test/base/policy/evaluate-rules-details.test.ts',
      'test/platform/gateway/blast-radius-details.test.ts',
      'test/platform/gateway/secret-args-details.test.ts',
      // gateway.test.ts (real child processes) also reaches these files, but is too slow per mutant.
    ],
  },
  // D284: its own area, since its tests start a real child per file (about half a
  // minute under load): in `policy` they would run for every mutant of blast-radius.ts and the rules.
  'policy-consent': {
    what: "config.json loosenings wait for a person (D259): the consent keeper and its one prompt at a time, the confirmed policy remembered across restarts (file and keychain digest), and the gateway's check of each call against the confirmed policy",
    mutate: [
      'src/platform/gateway/policy-consent.ts',
      'src/platform/gateway/confirmed-policy-record.ts',
      // Gateway.countCall, Gateway.unconfirmed and Gateway.confirmedDeny (D273) only: the rest of
      // gateway.ts is other areas' (move the range with them).
      'src/platform/gateway/gateway.ts:546-593',
    ],
    tests: [
      'test/platform/gateway/policy-consent.test.ts',
      // The real Secret Service (gnome-keyring on a private bus; starts in about a second).
      'test/platform/gateway/confirmed-policy-record.test.ts',
      // D271-D275's attacks on the confirmed policy (confirmedDeny, rates, read-write flags).
      'test/platform/gateway/policy-consent-attacks.test.ts',
      // A gateway with no consent keeper (the `?.` and `!base` of the gateway's checks).
      'test/platform/gateway/gateway-policy.test.ts',
    ],
  },
  broker: {
    what: 'unlock cache, consent, upstream sessions, token service, constant-time token compare',
    mutate: [
      // The ask-with-timeout-and-audit sequence consent runs on (issue 13 item 5).
      'src/platform/approvals/ask-user.ts',
      'src/platform/broker/consent.ts',
      'src/platform/broker/secret-equals.ts',
      'src/platform/broker/sessions.ts',
      'src/platform/broker/token-service.ts',
      'src/platform/broker/unlock-cache.ts',
      // X1-cancel: the per-child map token.cancel is looked up in (D186).
      'src/platform/broker/broker.ts',
      // The one read Consent's askers share, each with its own cancellation (D186).
      'src/base/lifecycle/shared-read.ts',
      // Round 10: a held token's repeats counted (D202), a deny's cool-down audited (D203),
      // a stored password bound to its servers (D198).
      'src/platform/broker/repeat-grants.ts',
      'src/platform/broker/cool-down-refusals.ts',
      'src/platform/keychain/password-envelope.ts',
      // Z3-renew: one forced re-login per window; a shared prompt renamed to a requester still waiting.
      'src/platform/broker/forced-relogins.ts',
      'src/platform/approvals/pending-approvals.ts',
      // Round 11: the one wiring of the Coalescer to the audit (D216).
      'src/platform/ports/audit-sink.ts',
      // E3-tidy: the prompt, cool-down and config.json server keys.
      'src/platform/broker/asker-keys.ts',
    ],
    tests: [
      'test/platform/broker/broker.test.ts',
      'test/platform/broker/broker-expiry.test.ts',
      'test/platform/broker/consent-outcomes.test.ts',
      'test/platform/broker/consent-gate.test.ts',
      'test/platform/approvals/ask-user.test.ts',
      'test/platform/broker/consent-ask-failure.test.ts',
      'test/platform/broker/sessions-lifecycle.test.ts',
      'test/platform/broker/token-service-grants.test.ts',
      'test/platform/broker/unlock-cache.test.ts',
      'test/platform/broker/secret-equals.test.ts',
      'test/platform/broker/token-service-failures.test.ts',
      'test/platform/broker/broker-lock-reload.test.ts',
      'test/platform/broker/broker-endpoints.test.ts',
      'test/platform/broker/token-cancel.test.ts',
      'test/platform/broker/token-cancel-attacks.test.ts',
      'test/platform/broker/broker-attacks.test.ts',
      'test/base/lifecycle/shared-read.test.ts',
      'test/platform/broker/repeat-grants.test.ts',
      'test/platform/broker/deny-cool-down.test.ts',
      'test/platform/broker/cool-down-refusals.test.ts',
      'test/platform/broker/unlock-hosts.test.ts',
      'test/platform/broker/password-binding.test.ts',
      'test/platform/keychain/password-envelope.test.ts',
      // D223: writeTypedPassword's crash points (its 25 mutants had no test in the area's first run).
      'test/platform/keychain/typed-password-crash.test.ts',
      // D225..3: typedBindings, settledItem, settleAfterLogin by case.
      'test/platform/keychain/settle-pending.test.ts',
      // Round 12 (A6-mutation): the envelope's edges its round-11 survivors showed.
      'test/platform/keychain/password-envelope-details.test.ts',
      'test/platform/broker/forced-relogins.test.ts',
      'test/platform/broker/prompt-requester.test.ts',
      // The queue's own tests (A5-mutation: without them 10 of pending-approvals.ts's 39 mutants survived here).
      'test/platform/approvals/pending-approvals-queue.test.ts',
      'test/platform/broker/consent-prompts.test.ts',
      'test/platform/broker/ca-read-once.test.ts',
      // A2-tidy: an unlock's one read of the item and CA file, shared by its prompt's check and its login.
      'test/platform/broker/unlock-read-once.test.ts',
      'test/platform/ports/audit-sink.test.ts',
      'test/platform/gateway/queued-calls-audit.test.ts',
      // Round 13 (C3-mutation): D229's waiting bound (child-token-request-flood.test.ts runs real children).
      'test/platform/broker/token-waiting-bound.test.ts',
      // Round 13 (E1-consentmut): D250's config.json servers and the unlocks that name them.
      'test/platform/broker/config-server-consent.test.ts',
      // E3-tidy: the keys no host or command collides in; the windows' monotonic time.
      'test/platform/broker/asker-keys.test.ts',
      'test/platform/ports/clock.test.ts',
    ],
  },
  'p6-call': {
    what: 'the P6 call path guard',
    mutate: ['src/connectors/p6/call/resolve-p6-call-path.ts'],
    tests: [
      'test/connectors/p6/call/resolve-p6-call-path.test.ts',
      'test/connectors/p6/call/resolve-p6-call-path-reasons.test.ts',
    ],
  },
  redaction: {
    what: 'audit record redaction and keychain error redaction',
    mutate: [
      'src/platform/audit/redact-record.ts',
      // E3-tidy: the cut that never splits a surrogate pair (also auditCommand's).
      'src/base/surrogate-safe-cut.ts',
      'src/platform/keychain/map-keyring-error.ts',
    ],
    tests: [
      'test/platform/audit/redact-record.test.ts',
      'test/platform/audit/redaction-details.test.ts',
      'test/platform/audit/audit-log.test.ts',
      'test/platform/keychain/map-keyring-error.test.ts',
      'test/platform/keychain/map-keyring-error-details.test.ts',
      'test/platform/host/host-audit-redaction.test.ts',
      'test/base/surrogate-safe-cut.test.ts',
    ],
  },
  channel: {
    what: 'child frame intake, line framing limits, the child channel (value count and the one scan of a long line, backlog)',
    mutate: [
      'src/platform/broker/frame-intake.ts',
      'src/base/framing/line-framer.ts',
      // The child's framed pipe (issue 10): limits enforced while reading.
      'src/platform/supervisor/child-channel.ts',
      // Issue 17 item 3: the number rules of the scans that let a child's result bytes through.
      'src/base/framing/json-number-bytes.ts',
      // R7 review: a child's log lines, bounded as they arrive.
      'src/platform/supervisor/child-log-lines.ts',
    ],
    tests: [
      'test/platform/broker/frame-intake.test.ts',
      'test/platform/broker/frame-intake-details.test.ts',
      'test/platform/ipc/line-framer.test.ts',
      'test/platform/ipc/line-framer-details.test.ts',
      'test/platform/supervisor/child-channel.test.ts',
      'test/platform/supervisor/child-log-lines.test.ts',
      // Issue 12: texts, one report, the value count's edges, end, errors, dispose, the writer's edges.
      'test/platform/supervisor/child-channel-details.test.ts',
      // Issue 17 item 3: the one scan of a long line, reused by the gateway to forward a result's bytes.
      'test/platform/supervisor/child-channel-scan.test.ts',
      'test/platform/gateway/forwarded-bytes-security.test.ts',
    ],
  },
  'code-cache': {
    what: 'the V8 code cache runner of `keybroker status` and the server children: the build id a bundle must carry, the CRC-32 of the cache, a refused cache only meaning a compile (issue 17, D83, D90, D102)',
    mutate: ['src/platform/code-cache/cached-bundle.ts'],
    // server-entry.test.ts runs the built children (dist/), which a mutant of src/ never reaches.
    tests: ['test/platform/code-cache/cached-bundle.test.ts', 'test/platform/code-cache/cached-bundle-details.test.ts', 'test/cli/status-loader.test.ts'],
  },
  'vsphere-xml': {
    what: "the vSphere answer reader: the streaming XML scanner (DTDs and declarations refused, depth limit, strictness, its tag cache), the RetrievePropertiesEx and UpdateSet readers and their value trees (rows only from the first returnval, own fields for any name) (issue 17 item 2, D93-D95, D117-D119)",
    mutate: [
      'src/connectors/vsphere/soap/xml-scanner.ts',
      'src/connectors/vsphere/client/first-returnval.ts',
      'src/connectors/vsphere/client/kept-objects.ts',
      'src/connectors/vsphere/client/retrieve-result-reader.ts',
      'src/connectors/vsphere/client/update-set-reader.ts',
      'src/connectors/vsphere/client/val-tree-builder.ts',
    ],
    tests: [
      'test/connectors/vsphere/soap/xml-scanner.test.ts',
      'test/connectors/vsphere/soap/xml-scanner-cuts.test.ts',
      'test/connectors/vsphere/soap/soap-xml.test.ts',
      'test/connectors/vsphere/client/retrieve-result-reader.test.ts',
      'test/connectors/vsphere/client/update-set-reader.test.ts',
    ],
  },
  'upstream-bounds': {
    what: 'what a connector takes from an upstream at most: answers read up to their cap as the bytes arrive (vAPI, vAPI login, P6), at most six vAPI requests in flight per client (D129), and how long: the one deadline helper, the P6 and VsphereClient deadlines, a cancelled P6 call, the vSphere login budget',
    mutate: [
      'src/connectors/read-bounded-body.ts',
      'src/connectors/vsphere/vapi/vapi-client.ts',
      'src/connectors/p6/client/p6-exchange.ts',
      // W1-deadlines: the helper every upstream deadline goes through, and the deadline lines
      // of the files whose other lines need slower tests (P6's login fake, vcsim).
      'src/connectors/upstream-deadline.ts',
      'src/connectors/p6/rest/p6-timeout.ts',
      'src/connectors/p6/rest/p6-send.ts:49-49',
      'src/connectors/p6/rest/p6-send.ts:66-67',
      'src/connectors/p6/rest/p6-send.ts:78-81',
      'src/connectors/vsphere/client/vsphere-client.ts:243-247',
      'src/connectors/p6/client/p6-client.ts:48-53',
      // X1-cancel: a cancelled call taking a page read ahead (D187).
      'src/connectors/p6/client/page-read-ahead.ts',
      'src/platform/broker/logins/vsphere-upstream-login.ts',
    ],
    // V3-leftovers: the vAPI client's compressed-answer refusal and the session deadlines are tested there too.
    tests: [
      'test/connectors/read-bounded-body.test.ts',
      'test/connectors/vsphere/vapi/vapi-client.test.ts',
      'test/connectors/content-encoding.test.ts',
      'test/connectors/vsphere/session/session-deadline.test.ts',
      'test/connectors/upstream-deadline.test.ts',
      'test/connectors/p6/p6-deadline.test.ts',
      'test/connectors/vsphere/client/vsphere-client-deadline.test.ts',
      'test/mcp/p6/p6-cancel.test.ts',
      'test/platform/broker/logins/vsphere-upstream-login.test.ts',
    ],
  },
  fairness: {
    what: "each server child's calls in flight shared between clients, then their sessions, at the gateway (X5-fair, D183; Y3-clientshare): the caps, the fewest-in-flight turns, cancellable waits, the bound on waiting calls (D212), a cancelled call's place held until the child is done with it (D211), the coalesced gateway.queued record; the vAPI client's turns between clients and the call's client from its _meta",
    mutate: [
      'src/platform/gateway/fair-share.ts',
      'src/platform/gateway/queued-calls-audit.ts',
      'src/connectors/client-turns.ts',
      'src/mcp/runtime/toolkit/client-of-call.ts',
      // A5-mutation: a cancelled call's place held until the child answers it or the grace ends (D211).
      'src/platform/gateway/held-place.ts',
      // Round 13 (C4-mutation): our runtime's `keybroker/cancelled-done`, which frees that place
      // when a cancelled handler has really ended (D231).
      'src/mcp/runtime/toolkit/cancelled-end.ts',
    ],
    tests: [
      'test/platform/gateway/fair-share.test.ts',
      'test/platform/gateway/queued-calls-audit.test.ts',
      'test/connectors/client-turns.test.ts',
      'test/mcp/runtime/toolkit/client-of-call.test.ts',
      // holdPlace on the real ChildConnection and the compromised child, a place that counts its
      // releases (A5-mutation); and the real Gateway in front of the compromised child (about 5 s).
      // gateway-fair-share.test.ts is left out: its first test failed Stryker's dry run at a load
      // of 28 (it passes alone; its slow call is 20 s the test must cancel in time; not investigated).
      'test/platform/gateway/held-place.test.ts',
      'test/platform/gateway/cancelled-call-place.test.ts',
      // In process (a child started by a test runs without the mutant switch): the Toolkit and
      // ToolPlanner on the SDK's McpServer, the SDK's Client over InMemoryTransport (about 2 s).
      'test/mcp/runtime/toolkit/cancelled-end.test.ts',
    ],
  },
  sockets: {
    what: "the host's own sockets against a local peer (R9-attack, D168): no request read while answers wait for the peer, at most 64 (control: 16) served at once, a repeated id dropped",
    mutate: [
      'src/platform/ipc/read-window.ts',
      'src/platform/gateway/json-line-transport.ts',
      // E3-tidy: the one drain-or-close wait per stream (also SseBackpressure's).
      'src/platform/ipc/drain-wait.ts',
      'src/platform/control/control-server.ts',
      // Y5-redteam: a repeated request id refused on every session's transport (D194).
      'src/platform/gateway/unique-request-ids.ts',
    ],
    tests: [
      'test/platform/gateway/unique-request-ids.test.ts',
      'test/platform/ipc/read-window.test.ts',
      'test/platform/gateway/json-line-transport.test.ts',
      'test/platform/gateway/json-line-transport-attacks.test.ts',
      'test/platform/ipc/drain-wait.test.ts',
      // Round 15 (E4-mutation): the edges its first whole run since round 9 showed (the default
      // splice threshold, a refusal whose write fails).
      'test/platform/gateway/json-line-transport-edges.test.ts',
      // Round 13 (E3-smallmut): only a cancel the SDK acts on frees an id (D241).
      'test/platform/gateway/cancel-ignored-id-attacks.test.ts',
      'test/platform/gateway/gateway-socket-attacks.test.ts',
      'test/platform/gateway/gateway-socket-server.test.ts',
      'test/platform/control/control-server.test.ts',
      'test/platform/control/control-server-attacks.test.ts',
      'test/platform/control/control-server-peer.test.ts',
    ],
  },
  ipc: {
    what: "what a window may ask of main: the sender and page checks of every IPC channel (D169), the channel-to-page table, the refused invokes' one line and audit (D185), the popup's arming delay held in main for an allow, restarted when the window comes back on screen (D173, D184), and where a stored password may go without being typed again (D172, D180)",
    mutate: [
      'src/main/ipc/handle.ts',
      'src/main/ipc/trusted-sender.ts',
      'src/main/ipc/register-handlers.ts',
      'src/main/approvals/approval-popup.ts',
      'src/base/domain-trust.ts',
      // movesPassword and saveEndpoint only: the rest of AppServices is settings plumbing.
      'src/main/app-services.ts:18-115',
      // C2-tidy: the warning a save answers when the typed password's final keychain write failed.
      'src/main/unfinished-password-warning.ts',
      // X4-arming: the refused invokes' audit (D185).
      'src/main/ipc/ipc-refusal-audit.ts',
    ],
    tests: [
      'test/main/ipc/handle.test.ts',
      'test/main/ipc/register-handlers.test.ts',
      'test/main/ipc/renderer-attacks.test.ts',
      'test/main/ipc/payload-channels.test.ts',
      'test/main/approvals/approval-arming.test.ts',
      'test/main/approvals/approval-popup.test.ts',
      'test/base/domain-trust.test.ts',
      'test/main/ipc/endpoint-redirect-attacks.test.ts',
      'test/main/ipc/domain-pin-attack.test.ts',
      'test/main/app-services.test.ts',
      'test/main/settings-save-keychain-failure.test.ts',
    ],
  },
  'gateway-intake': {
    what: "the gateway's envelope checks: the client's fast path in front of JSONRPCMessageSchema, the child's frame envelope, the forwarded result's shape, the child's result bytes written in place, the host's line encoder and the bridge's reading of its head (issue 17 item 3)",
    mutate: [
      'src/platform/gateway/plain-json-rpc.ts',
      'src/platform/gateway/forward.ts',
      // Issue 17 item 3: a child's result written as its own bytes, responses id-first, and the
      // bridge reading a host line's head.
      'src/platform/gateway/forwarded-result-bytes.ts',
      'src/platform/gateway/json-rpc-line.ts',
      'src/cli/bridge/host-line-head.ts',
      // Round 10: the fast path in front of CallToolRequestSchema, and the SDK's sort skipped
      // for messages the transports checked.
      'src/platform/gateway/plain-call-tool.ts',
      'src/platform/gateway/validated-dispatch.ts',
      // Round 12: the forwarded tools/call's own id map, and the plain call served without `_onrequest`.
      'src/platform/gateway/forwarded-calls.ts',
      'src/platform/gateway/direct-call-dispatch.ts',
      // Round 13 (C4-mutation): the host's end of a child's channel: the frame limit and envelope
      // before the SDK, D210's `_meta` and D228's unasked task dropped, D231's cancelled-done,
      // the answer watch holdPlace relies on (D211).
      'src/platform/gateway/child-mcp-transport.ts',
    ],
    tests: [
      'test/platform/gateway/forwarded-calls.test.ts',
      'test/platform/gateway/direct-call-dispatch.test.ts',
      // Round 13 (C3-mutation): D239's edges (the handler's extra, a late cancel, a repeated id, a failed send).
      'test/platform/gateway/direct-call-dispatch-details.test.ts',
      'test/platform/gateway/plain-json-rpc.test.ts',
      'test/platform/gateway/plain-call-tool.test.ts',
      'test/platform/gateway/validated-dispatch.test.ts',
      // Round 12 (A6-mutation): the settler's task resolver and an SDK without its fields (D220).
      'test/platform/gateway/validated-dispatch-settler.test.ts',
      'test/platform/gateway/forward.test.ts',
      'test/platform/gateway/json-rpc-line.test.ts',
      'test/platform/gateway/forwarded-bytes-security.test.ts',
      'test/cli/bridge/host-line-head.test.ts',
      // Round 13 (C4-mutation): ChildMcpTransport on the compromised child (`--mcp`) behind the
      // real ChildConnection (about 1 s a file), and the real Gateway in front of it and of our
      // runtime's child for D231's cancelled-done (about 5 s each).
      'test/platform/gateway/held-place.test.ts',
      'test/platform/gateway/cancelled-call-place.test.ts',
      'test/platform/gateway/cancelled-done.test.ts',
      // Written for its survivors: the transport alone on the compromised child (about 15 s).
      'test/platform/gateway/child-mcp-transport.test.ts',
      // Round 13 (E3-smallmut): the progress bound in the Gateway's onprogress (D242), on the
      // compromised child behind the real Gateway and a raw socket client (a few seconds).
      'test/platform/gateway/child-progress-flood.test.ts',
      // Round 13 (E2-intakemut): D243's `open` set (a cancel remembered only for an open id, and
      // forgotten at its answer with no watcher), through the real ChildConnection.
      'test/platform/gateway/cancelled-ids.test.ts',
      // D3-bounds (D262): the call's life cap behind the real Gateway, on a ManualClock (about 4 s).
      'test/platform/gateway/call-lifetime.test.ts',
      // E7-redteam: the Gateway's confirmed deny and its count of confirmed rates (D272, -3),
      // on the test-server child with the host's PolicyConsent (about 15 s); for ranged runs of gateway.ts.
      'test/platform/gateway/policy-consent-attacks.test.ts',
    ],
  },
  'local-safety': {
    what: 'what stays on this machine: endpoint URLs (https, loopback-only http, no credentials, query or fragment) and the SDK and P6 REST URLs built from them, the keychain namespace file, 0700 folders that are never a link or another user\'s, whole-or-nothing file writes and the temp files a killed writer left, the lock files of config.json and host (one owner, a stale one taken over once), the CA file check',
    mutate: [
      'src/base/contracts/endpoint-url.ts',
      'src/connectors/vsphere/soap/resolve-sdk-url.ts',
      'src/connectors/p6/rest/p6-api-url.ts',
      'src/base/contracts/keychain-namespace.ts',
      'src/platform/keychain/keychain-namespace.ts',
      'src/platform/fs/private-dir.ts',
      'src/platform/fs/atomic-write.ts',
      'src/platform/config/read-ca-file.ts',
      // W3-files (round 8): a killed writer's temp files swept, lock files created whole and a
      // stale one taken over by exactly one process, config.json.lock and host.lock on them.
      'src/platform/fs/stale-temp-files.ts',
      'src/platform/fs/lock-file.ts',
      'src/platform/fs/is-process-alive.ts',
      'src/platform/fs/pause-sync.ts',
      'src/platform/config/config-lock.ts',
      'src/platform/host/host-lock.ts',
    ],
    // open-home-keychain.test.ts (a real Secret Service and `keybroker serve`, 8 s) and the
    // CLI's endpoint tests (the built dist/, which a mutant of src/ never reaches) are left out.
    tests: [
      'test/base/contracts/endpoint-url.test.ts',
      'test/connectors/vsphere/soap/resolve-sdk-url.test.ts',
      'test/connectors/p6/rest/p6-api-url.test.ts',
      // The SSRF vectors of the endpoint URL, the SDK URL and the P6 REST URL; the local files.
      'test/base/contracts/endpoint-url-details.test.ts',
      'test/connectors/vsphere/soap/resolve-sdk-url-details.test.ts',
      'test/connectors/p6/rest/p6-api-url-details.test.ts',
      'test/platform/fs/private-dir.test.ts',
      'test/platform/fs/atomic-write.test.ts',
      'test/platform/keychain/keychain-namespace.test.ts',
      'test/platform/config/read-ca-file.test.ts',
      'test/connectors/p6/call/resolve-p6-call-path.test.ts',
      'test/connectors/p6/call/resolve-p6-call-path-reasons.test.ts',
      'test/base/kinds/build-endpoint.test.ts',
      'test/main/endpoint-config.test.ts',
      'test/platform/config/config-store.test.ts',
      'test/platform/config/config-store-atomic.test.ts',
      'test/platform/config/config-store-mode.test.ts',
      'test/platform/ipc/socket-path.test.ts',
      // The racing processes of lock-takeover-race.test.ts and config-lock.test.ts run the code
      // unmutated (a child has no mutant switch), so only tests that run it in their own
      // process are here.
      'test/platform/fs/stale-temp-files.test.ts',
      'test/platform/fs/lock-file.test.ts',
      'test/platform/host/host-lock.test.ts',
      'test/platform/fs/is-process-alive.test.ts',
      'test/platform/fs/pause-sync.test.ts',
      'test/platform/config/config-lock-takeover.test.ts',
      'test/platform/fs/atomic-write-sigkill.test.ts',
    ],
  },
  containment: {
    what: "the child's containment: bubblewrap's arguments (namespaces, read-only binds, hidden folders), the seccomp program (no AF_UNIX sockets, no io_uring, no foreign ABI), which sandbox per OS and macOS's profile, and a child's environment (an allow-list, never a secret)",
    mutate: [
      'src/platform/supervisor/sandbox/bubblewrap.ts',
      'src/platform/supervisor/sandbox/seccomp-filter.ts',
      'src/platform/supervisor/sandbox/detect-sandbox.ts',
      'src/platform/supervisor/sandbox/sandbox.ts',
      'src/platform/supervisor/sandbox/sandbox-exec.ts',
      // Which folders around node a child may read (both sandboxes).
      'src/platform/supervisor/sandbox/node-install.ts',
      'src/platform/supervisor/child-env.ts',
      // What NodeLauncher hands the sandbox: the child's argv and environment, the hidden folders.
      'src/platform/supervisor/child-command.ts',
      // The only files a built-in server child may read (D182).
      'src/platform/kinds/built-in-server.ts',
      // What a config.json server's start reads and hashes, and bubblewrap then runs (D2-modulebytes).
      'src/platform/supervisor/module-snapshot.ts',
      // How node runs that entry, decided from its bytes, and the preload that serves them (D263).
      'src/platform/supervisor/code-load/entry-format.ts',
      'src/platform/supervisor/code-load/snapshot-preload.ts',
    ],
    tests: [
      // Runs bubblewrap for real (a unix socket refused, the home and the KeyBroker home out of
      // sight): about 2 s. Its unprivileged-user test is in a file of its own (setpriv's user
      // cannot read Stryker's sandbox folder).
      'test/platform/supervisor/sandbox/sandbox.test.ts',
      'test/platform/supervisor/sandbox/seccomp-filter.test.ts',
      // Also one real bwrap run: a server module under a home with a stray package.json.
      'test/platform/supervisor/sandbox/bubblewrap-details.test.ts',
      'test/platform/supervisor/sandbox/detect-sandbox.test.ts',
      'test/platform/supervisor/sandbox/sandbox-exec.test.ts',
      'test/platform/supervisor/sandbox/node-install.test.ts',
      // Real bwrap children started by a copy of node under a temporary home: about 1 s.
      'test/platform/supervisor/sandbox/node-in-home.test.ts',
      'test/platform/supervisor/child-env.test.ts',
      'test/platform/supervisor/child-command.test.ts',
      // The read and digest of a config.json server's code; its bytes run in the real bwrap (about 3 s).
      'test/platform/supervisor/module-snapshot.test.ts',
      // The entry's format, and real children (no sandbox, then bwrap) running the bytes read (about 4 s).
      'test/platform/supervisor/code-load/entry-format.test.ts',
      'test/platform/supervisor/code-load/snapshot-preload.test.ts',
      // Real children without a sandbox: what their environment holds (about 4 s).
      'test/platform/supervisor/supervisor.test.ts',
      // The files each built-in server's spec names.
      'test/platform/host/server-specs.test.ts',
      'test/platform/kinds/built-in-server.test.ts',
    ],
  },
  consent: {
    what: "what a person approves and what then runs: the plan's canonical JSON and hash, the precondition diff and its sentence, the runtime's plan step and re-check (ToolPlanner), the P6 plans and their project facts, and what `keybroker approvals`/`approve`/`deny` show and send",
    // Left out: src/platform/approvals/approver.ts (an interface, no code) and
    // src/base/contracts/plan-protocol.ts (zod shapes and limits, no refinement; each of its
    // mutants is module-level code, which Stryker runs against every test file).
    mutate: [
      'src/mcp/runtime/plan/canonical-json.ts',
      'src/mcp/runtime/plan/plan-hash.ts',
      'src/mcp/runtime/plan/precondition-diff.ts',
      'src/mcp/runtime/plan/tool-planner.ts',
      'src/cli/format/describe-approval.ts',
      'src/cli/decide-approval.ts',
      'src/mcp/p6/plan/call-plan.ts',
      'src/mcp/p6/plan/p6-values.ts',
      'src/mcp/p6/plan/project-facts.ts',
      'src/mcp/p6/plan/recheck-p6.ts',
      'src/mcp/p6/plan/update-activity-plan.ts',
    ],
    tests: [
      'test/mcp/runtime/plan/canonical-json.test.ts',
      'test/mcp/runtime/plan/precondition-diff.test.ts',
      'test/cli/format/describe-approval.test.ts',
      // Written for this area's survivors: the canonical JSON's properties, the diff's and the
      // planner's edges, and every line `keybroker approvals` shows under its table.
      'test/mcp/runtime/plan/canonical-json-properties.test.ts',
      'test/mcp/runtime/plan/precondition-diff-details.test.ts',
      'test/mcp/runtime/plan/tool-planner.test.ts',
      'test/cli/format/describe-approval-details.test.ts',
      // In-process CLI against a real control socket with a fake handler (about 2 s).
      'test/cli/approvals.test.ts',
      // The P6 server against the in-process P6 fake (a few seconds each).
      'test/mcp/p6/p6-plans.test.ts',
      'test/mcp/p6/project-facts.test.ts',
      // Written for this area: what each P6 write names and binds, the re-check's sentences,
      // and project facts read whole or left out.
      'test/mcp/p6/p6-plans-details.test.ts',
      'test/mcp/p6/project-facts-details.test.ts',
    ],
  },
  audit: {
    what: 'the audit trail: the hash chain and its head, signed checkpoints and their key, the record check on every append, `audit verify`, rotation, the coalesced records\' budget, the line format and parse, the readers, the audit view\'s filter, and the per-child budget of refused frames (the flood that could rotate history out)',
    mutate: [
      'src/platform/audit/audit-chain.ts',
      // A record's ts, formatted in full once a second (E1-gwspeed).
      'src/platform/audit/iso-timestamps.ts',
      'src/platform/audit/audit-checkpoints.ts',
      'src/platform/audit/checkpoint-key.ts',
      'src/platform/audit/check-audit-record.ts',
      // The tool.called record's template (round 13, C1-gwcpu).
      'src/platform/audit/tool-call-record.ts',
      // A config.json server's command as its unlock records keep it (D7-redteam).
      'src/platform/audit/audit-command.ts',
      'src/platform/audit/verify-audit.ts',
      'src/platform/audit/rotate-audit.ts',
      'src/platform/audit/audit-log.ts',
      'src/platform/audit/format-audit-line.ts',
      'src/platform/audit/parse-audit-line.ts',
      'src/platform/audit/read-audit.ts',
      'src/base/audit-filter.ts',
      'src/platform/host/invalid-frame-budget.ts',
    ],
    tests: [
      'test/platform/audit/audit-chain.test.ts',
      'test/platform/audit/iso-timestamps.test.ts',
      'test/platform/audit/audit-checkpoints.test.ts',
      'test/platform/audit/audit-log.test.ts',
      'test/platform/audit/check-audit-record.test.ts',
      'test/platform/audit/tool-call-record.test.ts',
      'test/platform/audit/audit-command.test.ts',
      'test/platform/audit/format-audit-line.test.ts',
      'test/platform/audit/parse-audit-line.test.ts',
      'test/platform/audit/read-audit.test.ts',
      'test/platform/audit/rotate-audit.test.ts',
      'test/platform/audit/tail-audit.test.ts',
      'test/base/audit-filter.test.ts',
      // `keybroker audit verify` and `export`, in process (no serve, no Secret Service).
      'test/cli/audit.test.ts',
      // The per-child budget of refused frames, on a real child and a real AuditLog (about 2 s).
      'test/platform/host/invalid-frame-budget.test.ts',
      // The edges the area's first run showed (V5-audit).
      'test/platform/audit/verify-audit-details.test.ts',
      'test/platform/audit/checkpoint-details.test.ts',
      'test/platform/audit/audit-log-budget.test.ts',
      'test/platform/audit/rotate-audit-details.test.ts',
      'test/platform/audit/format-audit-line-details.test.ts',
      // audit-log.ts's survivors of round 7 (W2-auditlog; docs/mutation/audit-log-survivors.md).
      'test/platform/audit/audit-log-details.test.ts',
    ],
  },
  'vsphere-plans': {
    what: 'the vSphere write plans a person approves: their plain words (what changes, from what, on which VM), the targets and the precondition an approved call is bound to, the re-check before it runs, and the facts and tags policy rules match on',
    mutate: [
      'src/mcp/vsphere/plan/clone-plan.ts',
      'src/mcp/vsphere/plan/maintenance-plan.ts',
      'src/mcp/vsphere/plan/migrate-plan.ts',
      'src/mcp/vsphere/plan/power-plan.ts',
      'src/mcp/vsphere/plan/recheck-vsphere.ts',
      'src/mcp/vsphere/plan/reconfigure-plan.ts',
      'src/mcp/vsphere/plan/snapshot-plans.ts',
      'src/mcp/vsphere/plan/vm-facts.ts',
      'src/mcp/vsphere/plan/vm-state.ts',
      'src/mcp/vsphere/plan/vm-tags.ts',
      'src/mcp/vsphere/plan/write-targets.ts',
    ],
    tests: [
      'test/mcp/vsphere/plan/reconfigure-plan.test.ts',
      'test/mcp/vsphere/upstream-words.test.ts',
      // What each plan says, refuses and binds, from the state a tool read (no simulator).
      'test/mcp/vsphere/plan/plan-words.test.ts',
      // The only test of the read functions and the re-check: vcsim, which starts in well under a
      // second (the other areas' vcsim tests run whole MCP servers and stay out).
      'test/mcp/vsphere/plan/plan-reads.test.ts',
      // Edges the first runs left: tag answers vcsim never gives (the fake vCenter), plan and read edges.
      'test/mcp/vsphere/plan/vm-tags-answers.test.ts',
      'test/mcp/vsphere/plan/plan-edges.test.ts',
      'test/mcp/vsphere/plan/plan-reads-edges.test.ts',
    ],
  },
};
