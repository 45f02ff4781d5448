/**
 * The Prometheus text exposition of the admin port. Effect's own cluster metrics carry no
 * description; every metric family gets a HELP line here so `promtool check metrics` passes.
 */
import { Effect } from "effect"
import { PrometheusMetrics } from "effect/observability"

const clusterHelp: Record<string, string> = {
  effect_cluster_entities: "Resident entities (actors) on this runner, by entity type",
  effect_cluster_entity_mailbox_size: "Messages waiting in an entity's mailbox",
  effect_cluster_entity_mailbox_size_max: "Largest mailbox of any resident entity, by entity type",
  effect_cluster_runners: "Runners known to this member of the cluster",
  effect_cluster_runners_healthy: "Runners known to this member that passed their last health check",
  effect_cluster_shards: "Shards held by this runner",
  effect_cluster_shards_releasing: "Shards this runner is releasing",
  effect_cluster_singletons: "Cluster singletons running on this runner",
  effect_cluster_shard_release: "Time taken to release a shard"
}

export const withHelpText = (text: string): string => {
  const described = new Set<string>()
  const out: Array<string> = []
  for (const line of text.split("\n")) {
    const help = /^# HELP (\S+)/.exec(line)
    if (help) described.add(help[1]!)
    const type = /^# TYPE (\S+)/.exec(line)
    if (type && !described.has(type[1]!)) {
      out.push(`# HELP ${type[1]} ${clusterHelp[type[1]!] ?? type[1]!.replace(/_/g, " ")}`)
      described.add(type[1]!)
    }
    out.push(line)
  }
  return out.join("\n")
}

export const prometheusText: Effect.Effect<string> = Effect.map(PrometheusMetrics.format(), withHelpText)
