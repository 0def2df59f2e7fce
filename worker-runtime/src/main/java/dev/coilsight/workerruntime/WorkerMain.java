package dev.coilsight.workerruntime;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

import org.apache.avro.specific.SpecificRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.coilsight.serviceruntime.ServiceHelp;
import dev.coilsight.serviceruntime.config.Env;

/**
 * The {@code main} of an inference service: typed configuration from the environment (printed with
 * secrets masked), the worker, a shutdown hook that lets it finish its batches, and an exit with
 * status 1 when a worker thread dies (so that the orchestrator restarts the process). Exit status 2:
 * the configuration or the model cannot be used.
 */
public final class WorkerMain {

    private static final Logger log = LoggerFactory.getLogger(WorkerMain.class);

    private WorkerMain() {
    }

    /** What a worker reads from the environment: the loop's settings and its stage's. */
    private record Settings<I extends SpecificRecord>(WorkerConfig config, InferenceStage<I> stage) {
    }

    /**
     * @param args the command line: empty, or {@code --help}
     * @param summary what the service does, for {@code --help}
     */
    public static <I extends SpecificRecord> void run(String[] args, String summary, WorkerConfig.Defaults defaults,
                                                      Function<Env, InferenceStage<I>> stages) {
        Optional<Settings<I>> settings = ServiceHelp.settingsOrExit(args, defaults.service(), summary, "docs/WORKERS.md",
                env -> new Settings<>(WorkerConfig.fromEnv(env, defaults), stages.apply(env)), Map.of());
        if (settings.isEmpty()) {
            return;
        }
        WorkerConfig config = settings.get().config();
        InferenceStage<I> stage = settings.get().stage();
        InferenceWorker<I> worker;
        try {
            worker = new InferenceWorker<>(config, stage);
        } catch (Exception e) {
            log.error("{} cannot start: {}", defaults.service(), e.getMessage());
            System.err.println(defaults.service() + ": " + e.getMessage());
            System.exit(2);
            return;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            log.info("stopping {}: finishing the batches in flight", defaults.service());
            worker.close();
            stopped.countDown();
        }, defaults.service() + "-shutdown"));
        worker.start();
        log.info("{} started; /health, /ready and /metrics on port {}", defaults.service(), worker.httpPort());
        try {
            while (!stopped.await(1, TimeUnit.SECONDS)) {
                if (!worker.healthy()) {
                    log.error("{}: a worker thread died; exiting so that the process is restarted", defaults.service());
                    System.exit(1);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
