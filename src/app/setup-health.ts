/**
 * `GET /healthz` also while Probot serves its setup page (no APP_ID or key yet), as the README
 * promises: a load balancer probing a fresh deployment should see it alive before registration.
 */
import { Server } from 'probot';
import { healthz } from './index.js';

/**
 * In setup mode Probot's `run` builds its own server for the setup app and starts it at once,
 * never loading ours, so there is no `addHandler` to call: the handler is added to every server
 * just before it starts. Under the app it comes after the app's own copy and is never reached.
 */
export function healthzOnEveryServer(): void {
  const start = Server.prototype.start;
  Server.prototype.start = function startWithHealthz(this: Server) {
    this.addHandler(healthz);
    return start.call(this);
  };
}
