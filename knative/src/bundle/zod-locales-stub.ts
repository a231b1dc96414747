/**
 * Stands in for zod's `locales` index in Knative bundles: zod's messages in English only,
 * which zod configures by default. The other 50 translations are 300 KB of the bundle,
 * and mesh-six's errors are English.
 */
export { default as en } from "zod/v4/locales/en.js";
