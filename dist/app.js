import { createRequire as __proceedRequire } from 'node:module'; const require = __proceedRequire(import.meta.url);
import {
  APP_EVENTS,
  createApp,
  healthz,
  proceedApp
} from "./app-shared-WJYDWDX3.js";
export {
  APP_EVENTS,
  createApp,
  proceedApp as default,
  healthz
};
