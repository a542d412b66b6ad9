import { unmappedLocationsCase } from '../unmapped-locations.js';

export default unmappedLocationsCase('unmapped locations with create: a site named after each location', 2);
