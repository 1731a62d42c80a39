/**
 * Property tests explore new random cases on every developer run; in CI (CI=true) they replay one
 * fixed seed so a submission's result does not depend on luck. FC_SEED replays a reported failure.
 */
import fc from 'fast-check';

const seed = process.env.FC_SEED ?? (process.env.CI === 'true' ? '20261125' : undefined);
if (seed !== undefined) fc.configureGlobal({ seed: Number(seed) });
