import { unmappedLocationsCase } from '../unmapped-locations.js';

export default unmappedLocationsCase('unmapped locations with error: the plan stops and names each location', 1);
