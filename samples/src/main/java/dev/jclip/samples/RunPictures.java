package dev.jclip.samples;

import dev.jclip.train.TrainJob;

import java.nio.file.Path;

/**
 * The pictures of a finished training run, drawn by the command line (the library has no plotting):
 * {@code OUT/loss.png} from the whole metrics file (a resumed run plots its full history) and, after
 * the zero-shot check, {@code OUT/similarity.png}. Only rank 0 draws. A picture that cannot be
 * drawn (after a signal the JVM is shutting down and AWT may refuse to start) is reported, not
 * fatal: the checkpoint is what matters.
 *
 * <pre>{@code
 * TrainJob.Result r = new TrainJob(options).run();
 * RunPictures.draw(r, out);
 * }</pre>
 */
final class RunPictures {
    private RunPictures() {}

    static void draw(TrainJob.Result r, Path out) {
        if (!r.main()) return;
        try {
            LossCurve.plot(out);
            if (r.similarity() != null) {
                Heatmaps.similarity(r.similarity().values(), r.similarity().rows(), r.similarity().columns(), r.similarity().title(),
                        out.resolve("similarity.png"));
            }
        } catch (RuntimeException | Error e) {
            System.err.println("jclip: pictures skipped: " + e);
        }
    }
}
