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
      'src/core/node/http/api-key.ts',
      'src/core/node/http/cors-headers.ts',
      'src/core/node/http/http-front-door.ts',
      'src/core/node/http/http-rejection.ts',
      'src/core/node/http/http-session-router.ts',
      'src/core/node/http/rate-limiter.ts',
      'src/core/node/http/read-body.ts',
      'src/core/node/http/request-checks.ts',
      // Issue 10: coalesced refusals and the unauthenticated budget.
      'src/core/node/http/refusal-coalescer.ts',
      'src/core/node/http/unauth-budget.ts',
    ],
    tests: [
      'test/core/node/http/api-key.test.ts',
      'test/core/node/http/api-key-constant-time.test.ts',
      'test/core/node/http/http-front-door.test.ts',
      'test/core/node/http/http-rejection-texts.test.ts',
      'test/core/node/http/http-front-door-details.test.ts',
      'test/core/node/http/http-request-details.test.ts',
      'test/core/node/http/http-settings.test.ts',
      'test/core/node/http/rate-limiter.test.ts',
      'test/core/node/http/read-body.test.ts',
      'test/core/node/http/request-checks.test.ts',
      'test/core/node/http/refusal-coalescer.test.ts',
    ],
  },
  tls: {
    what: 'upstream TLS: connector, pinning, dispatcher options, error mapping',
    mutate: [
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
    ],
  },
  policy: {
    what: 'tool policy (fail closed), approvals queue, read-only endpoints',
    mutate: [
      'src/core/node/gateway/tool-policy.ts',
      'src/core/node/broker/pending-approvals.ts',
      // Issue 14: rules on plan facts, time windows, globs, blast-radius limits; issue 11: secret arguments.
      'src/core/common/policy/evaluate-rules.ts',
      'src/core/common/policy/glob.ts',
      'src/core/common/policy/time-window.ts',
      'src/core/node/gateway/blast-radius.ts',
      'src/core/node/gateway/secret-args.ts',
    ],
    tests: [
      'test/core/node/gateway/tool-policy-fail-closed.test.ts',
      'test/core/node/broker/pending-approvals-queue.test.ts',
      'test/core/node/gateway/tool-policy.test.ts',
      'test/core/common/policy/evaluate-rules.test.ts',
      'test/core/node/gateway/blast-radius.test.ts',
      'test/core/node/gateway/secret-args.test.ts',
      // gateway.test.ts (real child processes) also reaches these files, but is too slow per mutant.
    ],
  },
  broker: {
    what: 'unlock cache, consent, upstream sessions, token service, constant-time token compare',
    mutate: [
      'src/core/node/broker/consent.ts',
      'src/core/node/broker/secret-equals.ts',
      'src/core/node/broker/sessions.ts',
      'src/core/node/broker/token-service.ts',
      'src/core/node/broker/unlock-cache.ts',
    ],
    tests: [
      'test/core/node/broker/broker.test.ts',
      'test/core/node/broker/broker-expiry.test.ts',
      'test/core/node/broker/consent-outcomes.test.ts',
      'test/core/node/broker/consent-gate.test.ts',
      'test/core/node/broker/sessions-lifecycle.test.ts',
      'test/core/node/broker/token-service-grants.test.ts',
      'test/core/node/broker/unlock-cache.test.ts',
      'test/core/node/broker/secret-equals.test.ts',
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
      'src/core/node/audit/redact-record.ts',
      'src/core/node/keychain/map-keyring-error.ts',
    ],
    tests: [
      'test/core/node/audit/redact-record.test.ts',
      'test/core/node/audit/redaction-details.test.ts',
      'test/core/node/audit/audit-log.test.ts',
      'test/core/node/keychain/map-keyring-error.test.ts',
      'test/core/node/keychain/map-keyring-error-details.test.ts',
      'test/core/node/host/host-audit-redaction.test.ts',
    ],
  },
  channel: {
    what: 'child frame intake and line framing limits',
    mutate: [
      'src/core/node/broker/frame-intake.ts',
      'src/core/common/framing/line-framer.ts',
      // The child's framed pipe (issue 10): limits enforced while reading.
      'src/core/node/supervisor/child-channel.ts',
    ],
    tests: [
      'test/core/node/broker/frame-intake.test.ts',
      'test/core/node/broker/frame-intake-details.test.ts',
      'test/core/node/ipc/line-framer.test.ts',
      'test/core/node/ipc/line-framer-details.test.ts',
      'test/core/node/supervisor/child-channel.test.ts',
    ],
  },
};
