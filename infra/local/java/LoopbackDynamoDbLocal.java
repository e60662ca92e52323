import java.io.InputStream;
import java.lang.reflect.Field;
import java.lang.reflect.Method;

/**
 * Starts DynamoDB Local's server (the jar's own ServerRunner, same command-line options) with its
 * Jetty connector bound to 127.0.0.1: DynamoDB Local itself has no option for the address and
 * listens on every interface, without authentication. Written with reflection only, so it builds
 * with nothing but a JDK and runs on any Java 17+ (the compiled class is kept beside this file, for
 * machines with a JRE and no javac; rebuild it with
 * `javac --release 17 -d infra/local/java infra/local/java/LoopbackDynamoDbLocal.java`).
 *
 * It also stops when its standard input closes: the parent (the runtime) holds the other end of
 * that pipe, so however the parent ends, SIGKILL included, DynamoDB Local does not outlive it.
 */
public final class LoopbackDynamoDbLocal {
    private static final String LOOPBACK = "127.0.0.1";

    private LoopbackDynamoDbLocal() {}

    public static void main(String[] args) throws Exception {
        Class<?> runner = Class.forName("software.amazon.dynamodb.services.local.main.ServerRunner");
        Object proxy = runner.getMethod("createServerFromCommandLineArgs", String[].class).invoke(null, (Object) args);
        Field field = proxy.getClass().getDeclaredField("server");
        field.setAccessible(true);
        Object jetty = field.get(proxy);
        Object[] connectors = (Object[]) jetty.getClass().getMethod("getConnectors").invoke(jetty);
        if (connectors.length == 0) throw new IllegalStateException("DynamoDB Local's server has no connector to bind to " + LOOPBACK);
        for (Object connector : connectors) {
            Method setHost = connector.getClass().getMethod("setHost", String.class);
            setHost.invoke(connector, LOOPBACK);
        }
        Thread watcher = new Thread(() -> {
            InputStream in = System.in;
            byte[] buffer = new byte[256];
            try {
                while (in.read(buffer) >= 0) {
                    // Nothing is sent on this pipe; it only tells that the parent is alive.
                }
            } catch (Exception ignored) {
                // A broken pipe means the same as its end: the parent is gone.
            }
            System.exit(0);
        }, "parent-watch");
        watcher.setDaemon(true);
        watcher.start();
        proxy.getClass().getMethod("start").invoke(proxy);
        System.out.println("DynamoDB Local listening on " + LOOPBACK);
    }
}
