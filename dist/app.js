import { createRequire as __proceedRequire } from 'node:module'; const require = __proceedRequire(import.meta.url);
import {
  APP_EVENTS,
  DISPATCH_EVENTS,
  createApp,
  healthz,
  proceedApp
} from "./app-shared-ZN42WQKO.js";
export {
  APP_EVENTS,
  DISPATCH_EVENTS,
  createApp,
  proceedApp as default,
  healthz
};
