using Akka.Cluster.Hosting;
using Akka.Hosting;

namespace LlmSpell.Cluster;

/// <summary>The runs of an llmspell cluster in an app's <see cref="IActorRegistry"/>: a shard-region proxy that sends the public run protocol to each run's node.</summary>
public sealed class LlmSpellClusterRuns;

/// <summary>
/// Akka.Hosting for an app's own node of an llmspell cluster:
/// <c>services.AddAkka(ClusterNodeOptions.SystemName, akka =&gt; akka.WithLlmSpellCluster(options).WithLlmSpellRunsProxy())</c>,
/// then <c>registry.Get&lt;LlmSpellClusterRuns&gt;()</c> takes start, cancel, signal, status and subscribe messages (docs/actors.md).
/// </summary>
public static class ClusterAkkaExtensions
{
    /// <summary>
    /// Makes this actor system a member of an llmspell cluster with <paramref name="options"/> (e.g. role <c>app</c>, the runs
    /// nodes as seeds): its remoting (with the cluster's TLS, if any), our serializer for run messages, and the cluster's split-brain resolver and failure
    /// detection — every member must share these, since any member may be the leader that downs a lost node.
    /// </summary>
    public static AkkaConfigurationBuilder WithLlmSpellCluster(this AkkaConfigurationBuilder builder, ClusterNodeOptions options)
    {
        options.Validate();
        if (options.Seeds.Count == 0 && !options.Roles.Contains(ClusterNodeOptions.RunsRole))
            throw new ArgumentException("a node that runs no workflows would form a cluster of its own: give it the address of a " +
                $"running llmspell node as a seed (akka.tcp://{ClusterNodeOptions.SystemName}@HOST:PORT)", nameof(options));
        builder.AddHocon(options.ToHocon(), HoconAddMode.Prepend);
        // TLS's certificate and its check are no configuration: they travel as setups.
        foreach (var setup in options.ToSetups()) builder.AddSetup(setup);
        return builder.AddStartup((system, _) =>
        {
            // Members of one cluster share the actor system's name: a node of another name would never be let in.
            if (system.Name != ClusterNodeOptions.SystemName)
                throw new InvalidOperationException($"The actor system is named '{system.Name}', but the members of an llmspell cluster are all named " +
                    $"'{ClusterNodeOptions.SystemName}': create it with services.AddAkka(ClusterNodeOptions.SystemName, …).");
            ClusterNode.Join(system, options);
        });
    }

    /// <summary>Registers <see cref="LlmSpellClusterRuns"/>: a proxy to the shard region of runs, on the nodes of role <see cref="ClusterNodeOptions.RunsRole"/>.</summary>
    public static AkkaConfigurationBuilder WithLlmSpellRunsProxy(this AkkaConfigurationBuilder builder) =>
        builder.WithShardRegionProxy<LlmSpellClusterRuns>(ShardedRuns.TypeName, ClusterNodeOptions.RunsRole, new RunMessageExtractor());
}
