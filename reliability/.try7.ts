import { apiFaults } from './rows/api-faults.js';
const r = await apiFaults.run({ short: true, seed: 20240601, progress: () => undefined });
console.log(JSON.stringify(r, null, 1));
