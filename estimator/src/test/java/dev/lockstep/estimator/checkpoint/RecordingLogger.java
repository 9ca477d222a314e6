package dev.lockstep.estimator.checkpoint;

import java.text.MessageFormat;
import java.util.ArrayList;
import java.util.List;
import java.util.ResourceBundle;

/** Collects log lines so tests can check that a warning names the bad file. */
final class RecordingLogger implements System.Logger {
    final List<String> warnings = new ArrayList<>();
    final List<String> all = new ArrayList<>();

    @Override
    public String getName() {
        return "test";
    }

    @Override
    public boolean isLoggable(Level level) {
        return true;
    }

    @Override
    public void log(Level level, ResourceBundle bundle, String msg, Throwable thrown) {
        record(level, msg);
    }

    @Override
    public void log(Level level, ResourceBundle bundle, String format, Object... params) {
        record(level, params == null || params.length == 0 ? format : MessageFormat.format(format, params));
    }

    private void record(Level level, String msg) {
        all.add(level + " " + msg);
        if (level == Level.WARNING) {
            warnings.add(msg);
        }
    }

    /** The single warning logged so far. */
    String onlyWarning() {
        if (warnings.size() != 1) {
            throw new AssertionError("expected exactly one warning, got " + warnings);
        }
        return warnings.getFirst();
    }
}
