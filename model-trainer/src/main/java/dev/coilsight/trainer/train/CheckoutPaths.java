package dev.coilsight.trainer.train;

import java.nio.file.Path;
import java.util.List;

/**
 * Paths as a model card records them: relative to the checkout (data beside it reads {@code ../shared/data/...}),
 * or the folder's name when it lies elsewhere; never the training machine's absolute path, which means
 * nothing on another machine.
 */
public final class CheckoutPaths {

    private final Path root;

    public CheckoutPaths(Path root) {
        this.root = root.toAbsolutePath().normalize();
    }

    /** For the checkout the launcher runs from ({@code -Dcoilsight.root}), else the working directory. */
    public static CheckoutPaths current() {
        return new CheckoutPaths(Path.of(System.getProperty("coilsight.root", ".")));
    }

    public String portable(Path path) {
        Path absolute = path.toAbsolutePath().normalize();
        Path besideCheckout = root.getParent() == null ? root : root.getParent();
        if (absolute.startsWith(besideCheckout)) {
            String relative = root.relativize(absolute).toString().replace('\\', '/');
            return relative.isEmpty() ? "." : relative;
        }
        Path name = absolute.getFileName();
        return name == null ? absolute.toString() : name.toString();
    }

    /** The arguments of a command line with every absolute path made portable. */
    public List<String> portableArgs(List<String> args) {
        return args.stream().map(a -> a.startsWith("/") ? portable(Path.of(a)) : a).toList();
    }
}
