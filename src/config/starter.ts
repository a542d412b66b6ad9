/** The commented starter spec `haloform init` writes: the smallest spec that syncs something. */

/** Environment variables the starter spec reads. */
export const STARTER_VARIABLES = ['NINJAONE_CLIENT_ID', 'NINJAONE_CLIENT_SECRET', 'HALO_CLIENT_ID', 'HALO_CLIENT_SECRET'] as const;

export function starterSpec(schemaPath: string): string {
  return `# yaml-language-server: $schema=${schemaPath}
#
# haloform spec: how NinjaOne maps onto HaloPSA. Edit, then:
#   haloform validate        checks this file
#   haloform plan            shows what would change in Halo (changes nothing)
# Every option, with what it does: config/haloform.example.yaml in the haloform repository,
# or \`haloform schema\`. Secrets are read from the environment: \${NAME}.

version: 1

connections:
  ninjaone:
    instance: app                 # your NinjaOne region: app (US) | us2 | eu | oc | ca | fed
    clientId: \${NINJAONE_CLIENT_ID}
    clientSecret: \${NINJAONE_CLIENT_SECRET}
  halo:
    url: https://yourcompany.halopsa.com
    tenant: yourcompany           # Halo-hosted only; remove for self-hosted Halo
    clientId: \${HALO_CLIENT_ID}
    clientSecret: \${HALO_CLIENT_SECRET}

customers:
  unmapped: create                # NinjaOne organisations without a Halo client get one
  map: []                         # explicit mappings, e.g. - { organisation: Contoso Ltd, client: Contoso }

assetTypes:
  map:
    WINDOWS_WORKSTATION: Workstation
    MAC: Workstation
    WINDOWS_SERVER: Server
  unmapped: create                # other node classes get a type named after the class

assets:
  match: [ninjaId, serialNumber]
  serialField: Serial Number
  fields:
    - { to: inventory_number, from: displayName }
    - { to: Serial Number,    from: system.serialNumber }
  removed: keep                   # switch to deactivate once the plan looks right

# Continuous sync: uncomment to let \`haloform sync\` (a scheduled CI job) or \`haloform serve\`
# apply device changes between pull requests; every other change waits for a reviewed apply.
# sync:
#   everyMinutes: 15
#   autoApply: [asset.create, asset.adopt, asset.update, asset.deactivate, client.create, client.adopt]
`;
}
