package org.liveng.shell.internal;

import java.io.PrintStream;
import java.util.Locale;
import java.util.function.BooleanSupplier;

import org.liveng.api.plan.Progress;

/**
 * Forge progress on stderr. On a terminal: one line per step, and a bar that
 * redraws itself in place for long copies. Otherwise (logs, pipes, CI):
 * plain lines that scripts can parse, {@code liveng: step N name} and
 * {@code liveng: progress N PERCENT DONE TOTAL}, at most one per ten percent.
 */
final class ForgeProgress implements Progress {
    private static final int WIDTH = 30;
    private final PrintStream out;
    private final BooleanSupplier isTerminal;
    private Boolean terminal;
    private int step;
    private int lastShown = -1;
    private long stepStart;
    private boolean barOpen;

    /** {@code isTerminal} is asked once, at the first report: forge's preparation runs before that. */
    ForgeProgress(PrintStream out, BooleanSupplier isTerminal) {
        this.out = out;
        this.isTerminal = isTerminal;
    }

    ForgeProgress(PrintStream out, boolean terminal) {
        this(out, () -> terminal);
    }

    private boolean terminal() {
        if (terminal == null) {
            terminal = isTerminal.getAsBoolean();
        }
        return terminal;
    }

    @Override
    public void step(String name) {
        endBar();
        step++;
        lastShown = -1;
        stepStart = System.nanoTime();
        out.println(terminal() ? "liveng: " + name : "liveng: step " + step + " " + name);
    }

    @Override
    public void bytes(long done, long total) {
        int percent = total <= 0 ? 100 : (int) (done * 100 / total);
        if (terminal()) {
            if (percent == lastShown) {
                return;
            }
            lastShown = percent;
            int filled = percent * WIDTH / 100;
            double seconds = Math.max(1e-3, (System.nanoTime() - stepStart) / 1e9);
            out.print(String.format(Locale.ROOT, "\r  [%s%s] %3d%% %,d/%,d MiB %.0f MiB/s", "#".repeat(filled), "-".repeat(WIDTH - filled),
                    percent, done >> 20, total >> 20, done / seconds / (1 << 20)));
            out.flush();
            barOpen = true;
            if (done >= total) {
                endBar();
            }
        } else {
            int decile = percent / 10;
            if (decile > lastShown) {
                lastShown = decile;
                out.println("liveng: progress " + step + " " + percent + " " + done + " " + total);
            }
        }
    }

    private void endBar() {
        if (barOpen) {
            out.println();
            barOpen = false;
        }
    }
}
