import { request, type Dispatcher } from 'undici';
import { ConnectorError } from '../../connector-error.js';
import { mapUpstreamError } from '../../tls/map-upstream-error.js';
import { VAPI_SESSION_HEADER, vapiBaseUrl } from '../session/vapi-session.js';

/** Where a VapiClient gets its vAPI session id, and a fresh one after a 401. */
export interface VapiSessionSource {
  token(): Promise<string>;
  /** A new session id after `stale` was refused. */
  renew(stale: string): Promise<string>;
}

/** Options of VapiClient. */
export interface VapiClientOptions {
  /** The endpoint's vim25 URL; the REST service is `/rest` on the same origin. */
  readonly url: string;
  readonly dispatcher: Dispatcher;
  readonly session: VapiSessionSource;
  /** Per-request budget (default 60 s). */
  readonly timeoutMs?: number;
}

/** A tagging category as the vAPI returns it. */
export interface VapiCategory {
  readonly id: string;
  readonly name: string;
  readonly description: string;
  readonly cardinality: string;
  readonly associable_types: string[];
}

/** A tag as the vAPI returns it. */
export interface VapiTag {
  readonly id: string;
  readonly name: string;
  readonly description: string;
  readonly category_id: string;
}

/** One object a tag is attached to. */
export interface VapiObjectId {
  readonly id: string;
  readonly type: string;
}

/**
 * A small client of vCenter's vAPI REST service (`/rest`, vSphere 6.5+) for the calls the
 * tag tools make: reads only, each retried once with a renewed session on 401 (the server
 * refused it, so it did not run). The session id travels in the `vmware-api-session-id`
 * header, never in a URL. Errors name the path and status, never a header.
 */
export class VapiClient {
  private readonly base: string;

  constructor(private readonly options: VapiClientOptions) {
    this.base = vapiBaseUrl(options.url);
  }

  /** `GET /com/vmware/cis/tagging/category`: every category id. */
  async listCategoryIds(): Promise<string[]> {
    return list(await this.call('GET', '/com/vmware/cis/tagging/category')).filter((x): x is string => typeof x === 'string');
  }

  getCategory(id: string): Promise<VapiCategory> {
    return this.call<VapiCategory>('GET', `/com/vmware/cis/tagging/category/id:${encodeURIComponent(id)}`);
  }

  /** `GET /com/vmware/cis/tagging/tag`: every tag id. */
  async listTagIds(): Promise<string[]> {
    return list(await this.call('GET', '/com/vmware/cis/tagging/tag')).filter((x): x is string => typeof x === 'string');
  }

  getTag(id: string): Promise<VapiTag> {
    return this.call<VapiTag>('GET', `/com/vmware/cis/tagging/tag/id:${encodeURIComponent(id)}`);
  }

  /** The objects (VMs, hosts, …) `tagId` is attached to. */
  async listAttachedObjects(tagId: string): Promise<VapiObjectId[]> {
    const all = list(await this.call('POST', `/com/vmware/cis/tagging/tag-association/id:${encodeURIComponent(tagId)}?~action=list-attached-objects`));
    return all.filter((o): o is VapiObjectId => typeof (o as VapiObjectId | null)?.id === 'string' && typeof (o as VapiObjectId).type === 'string');
  }

  private async call<T = unknown>(method: 'GET' | 'POST', path: string): Promise<T> {
    let token = await this.options.session.token();
    for (let attempt = 0; ; attempt++) {
      const { status, text } = await this.send(method, path, token);
      if (status === 401 && attempt === 0) {
        token = await this.options.session.renew(token);
        continue;
      }
      if (status === 401) throw new ConnectorError('CONN_NOT_AUTHENTICATED', `vCenter refused the vAPI REST session for ${path.split('?')[0]} even after a new login`);
      if (status === 404) throw new ConnectorError('CONN_FAULT', `vCenter has no vAPI object at ${path.split('?')[0]} (HTTP 404); list again, it may have been deleted`);
      if (status !== 200) throw new ConnectorError('CONN_FAULT', `vCenter answered ${method} ${path.split('?')[0]} with HTTP ${status}`);
      try {
        return (JSON.parse(text) as { value: T }).value;
      } catch {
        throw new ConnectorError('CONN_BAD_RESPONSE', `vCenter answered ${path.split('?')[0]} with something that is not JSON`);
      }
    }
  }

  private async send(method: string, path: string, token: string): Promise<{ status: number; text: string }> {
    const signal = AbortSignal.timeout(this.options.timeoutMs ?? 60_000);
    try {
      // A POST action without parameters still sends an empty JSON object (vcsim decodes a body).
      const body = method === 'POST' ? { body: '{}', headers: { [VAPI_SESSION_HEADER]: token, accept: 'application/json', 'content-type': 'application/json' } } : { headers: { [VAPI_SESSION_HEADER]: token, accept: 'application/json' } };
      const res = await request(`${this.base}${path}`, { method, dispatcher: this.options.dispatcher, ...body, signal });
      return { status: res.statusCode, text: await res.body.text() };
    } catch (error) {
      if (error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError') && signal.aborted) {
        throw new ConnectorError('CONN_TIMEOUT', `vCenter did not answer ${method} ${path.split('?')[0]} in time`);
      }
      throw mapUpstreamError(error, new URL(this.base).host);
    }
  }
}

/** A list answer; vcsim writes an empty list as null. */
function list(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}
