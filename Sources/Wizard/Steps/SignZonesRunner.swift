import Foundation
import Route53
import WhiteLabel
import Terminal

extension SignZonesStep {
    /// The runner's side of step 10: each command through the engine `vanityns dnssec enable` and `status` use.
    static func run(_ c: Command, context: WizardContext, send: @escaping @Sendable (WizardMsg) -> Void) async {
        guard let d = context.dnssec else {
            send(.step(Msg.loaded(.failure(UIError("DNSSEC signing is not available here (no KMS client)")))))
            return
        }
        let engine = d.engine, clients = d.clients
        let say: @Sendable (String) -> Void = { send(.step(Msg.progress($0))) }
        switch c {
        case let .load(rows):
            send(.step(Msg.loaded(await WizardRunner.result {
                // Zones the apply created have no id in the plan: the account's listing names them.
                let listed = rows.contains { $0.id.isEmpty } ? try await context.route53.listHostedZones() : []
                var out: [Row] = []
                for var row in rows {
                    if row.id.isEmpty, let z = listed.first(where: { WizardState.bare($0.name) == row.name }) { row.id = z.id }
                    let detail = try await clients.route53.getDNSSECDetail(zoneId: row.id)
                    row.serveSignature = detail.status.serveSignature
                    row.keyTags = detail.keySigningKeys.filter { $0.status == "ACTIVE" }.map(\.keyTag)
                    out.append(row)
                }
                return out
            })))
        case let .plan(zones, arn):
            send(.step(Msg.planned(await WizardRunner.result {
                let plan = try await engine.dnssecEnablePlan(zones: zones, kmsKey: arn, createKey: arn == nil, clients: clients)
                var publications: [String: DSPublication] = [:]
                for z in plan.zones { publications[z.zoneId] = await engine.dsPublication(zoneName: z.zoneName) }
                return Planned(plan: plan, publications: publications)
            })))
        case let .sign(p):
            send(.step(Msg.signed(await WizardRunner.result {
                let arn = try await engine.dnssecKeyArn(p.plan, clients: clients, progress: say)
                for z in p.plan.zones {
                    let ksk = try await engine.signZone(z, kmsArn: arn, clients: clients, progress: say)
                    say("\(WizardState.bare(z.zoneName)): its DS is \(ksk.dsRecord)")
                    send(.step(Msg.zoneSigned(zoneId: z.zoneId, ksk)))
                }
                return true
            })))
        case let .publish(domains, ksks):
            send(.step(Msg.published(await WizardRunner.result {
                for (id, domain) in domains.sorted(by: { $0.value < $1.value }) {
                    guard let ksk = ksks[id] else { continue }
                    try await engine.associateDS(domain: domain, ksk: ksk, clients: clients, progress: say)
                    let behind = try await engine.waitForParentDS(zoneName: domain, records: [ksk.dsRecord], present: true, port: context.queryPort,
                                                                  target: context.resolver, timeout: 900, progress: say)
                    if behind.isEmpty { say("\(domain): every parent server serves its DS (key tag \(ksk.keyTag))") }
                    else { say("\(domain): \(behind.count) parent server address(es) do not serve the DS yet; r checks again") }
                }
                return true
            })))
        case let .check(rows):
            send(.step(Msg.checked(await WizardRunner.result {
                var out: [DNSSECZoneStatus] = []
                for row in rows {
                    out.append(try await engine.dnssecStatus(zoneId: row.id, zoneName: row.name, record: nil, clients: clients,
                                                             port: context.queryPort, target: context.resolver))
                }
                return out
            })))
        }
    }
}
