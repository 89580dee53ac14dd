/**
 * The Compose schema's validators, compiled by ajv when this module loads: for the whole file and
 * for one service. Compiling takes about a second, so the bundles never run this file: the build
 * (scripts/build.mjs) puts the same validators there as code ajv generated ahead of time
 * (scripts/composeValidators.mjs, same options), and test/unit/compose-validators.test.ts holds
 * the two to the same answers. Loaded on first use (schema.ts), so only Compose work pays for it.
 */
import Ajv, { type ValidateFunction } from 'ajv';
import composeSpec from '../../schemas/compose-spec.json';

// The schema declares draft-07 by an https URL ajv does not know, and uses 2019-09's `deprecated`;
// neither changes what validates. scripts/composeValidators.mjs uses the same options.
const ajv = new Ajv({ allErrors: true, strict: false, validateSchema: false, logger: false });
ajv.addSchema(composeSpec);
const id = (composeSpec as { $id?: string }).$id ?? 'compose_spec.json';

/** The whole file. */
export const root: ValidateFunction = ajv.getSchema(id)!;
/** One service, so an edit re-validates only the service it touched. */
export const service: ValidateFunction = ajv.getSchema(`${id}#/definitions/service`)!;
