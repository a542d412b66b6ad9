import { missingFieldCase } from '../missing-field.js';

export default missingFieldCase('a mapped field missing from an asset type stops the plan when haloform may not add it', 1);
