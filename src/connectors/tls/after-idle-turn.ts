import type { Dispatcher } from 'undici';

/**
 * An undici interceptor that hands each request to the Agent one event-loop turn later
 * (`setImmediate`), so that a request sent right after the previous answer ended goes out on
 * that answer's connection instead of a new one.
 *
 * Why: with HTTP/1.1 and no pipelining, undici marks a connection busy when it sends a request
 * and frees it only a full event-loop turn after the answer ended (`setImmediate` in its
 * client, on purpose: a server that closes despite keep-alive shows it by then). A caller that
 * awaits an answer's body and sends the next request at once, as every login (service content,
 * then Login) and every walk does, finds the only connection still busy, and the Agent's pool
 * opens a second TLS connection. Waiting one turn here lets undici free the first connection
 * before the request picks one. Concurrent requests still find the connections busy and get
 * their own, as before: this changes which idle connection a request finds, never a limit.
 * Measured in docs/PERFORMANCE.md §2 (round 5b).
 */
export const afterIdleTurn: Dispatcher.DispatcherComposeInterceptor = (dispatch) =>
  function dispatchAfterIdleTurn(options, handler) {
    // The Agent's dispatch reports every failure (a closed Agent, a bad option) through the
    // handler, so the request's promise rejects as before; nothing throws into the event loop.
    setImmediate(dispatch, options, handler);
    // "Not busy": what the Agent answers for a request it queues; request() ignores the answer.
    // Stryker disable next-line BooleanLiteral: equivalent, nothing KeyBroker calls reads it.
    return true;
  };
