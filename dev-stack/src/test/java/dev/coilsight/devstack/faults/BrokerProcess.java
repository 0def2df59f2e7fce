package dev.coilsight.devstack.faults;

import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;

import dev.coilsight.embedded.LocalKafka;

/**
 * The embedded broker in a JVM of its own, so that a fault test can stop it (SIGTERM: a clean shutdown, as an
 * operator's restart) and start it again over the same log folder and ports. Arguments: log folder, broker port,
 * controller port.
 */
public final class BrokerProcess {

    private BrokerProcess() {
    }

    public static void main(String[] args) throws InterruptedException {
        LocalKafka kafka = LocalKafka.start(Path.of(args[0]), Integer.parseInt(args[1]), Integer.parseInt(args[2]));
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            kafka.close();
            stopped.countDown();
        }, "broker-stop"));
        stopped.await();
    }
}
