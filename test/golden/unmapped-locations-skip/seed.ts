import { unmappedLocationsCase } from '../unmapped-locations.js';

export default unmappedLocationsCase('unmapped locations with skip: their devices are not synced', 2);
