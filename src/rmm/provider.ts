/**
 * An RMM as haloform plans against it: its name and the Halo fields its ids are stored in.
 * NinjaOne (src/rmm/ninjaone/provider.ts) is the one today; what is still NinjaOne's own
 * elsewhere — its snapshot types in the model, its device addresses (`asset["ninja:1234"]`), the
 * webhook activity in serve, Halo's reads of these fields — moves behind this interface next
 * (issue 15).
 */

/**
 * The Halo fields an RMM's ids live in: the organisation's on the client, the location's on the
 * site, the device's on the asset; on an alert's ticket, the alert's and the device's.
 */
export interface HaloIdentity {
  client: string;
  site: string;
  asset: string;
  ticketAlert: string;
  ticketDevice: string;
  /** Halo's `integration_type` list filter for the assets the RMM's integration links. */
  integrationType: string;
}

export interface RmmProvider {
  /** How people call it: "NinjaOne". */
  name: string;
  halo: HaloIdentity;
}
