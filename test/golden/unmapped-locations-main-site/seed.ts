import { unmappedLocationsCase } from '../unmapped-locations.js';

export default unmappedLocationsCase("unmapped locations with main-site: their devices go to the client's main site", 2);
