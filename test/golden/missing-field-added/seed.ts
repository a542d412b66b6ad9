import { missingFieldCase } from '../missing-field.js';

export default missingFieldCase('a mapped field missing from an asset type is added to all types with addMissingFieldsToTypes', 2);
