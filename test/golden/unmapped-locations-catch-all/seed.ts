import { unmappedLocationsCase } from '../unmapped-locations.js';

export default unmappedLocationsCase('unmapped locations with catch-all: their devices go to the catch-all client and site', 2);
