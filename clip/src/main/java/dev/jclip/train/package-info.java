/**
 * Training and fine-tuning: the contrastive loss ({@link dev.jclip.train.ClipLoss}), fused AdamW,
 * the cosine schedule, mixed precision and loss scaling, one optimizer step at a time
 * ({@link dev.jclip.train.Trainer}, data-parallel through {@link dev.jclip.train.DataParallel}), a run with
 * metrics and resumable checkpoints ({@link dev.jclip.train.TrainRun}, {@link dev.jclip.train.TrainCheckpoint})
 * and zero-shot checks during training ({@link dev.jclip.train.ZeroShotEval}).
 *
 * <!-- given: ContrastiveModel model; Function<List<String>, Tensor> tokenize; BatchSource loader -->
 * <pre>{@code
 * try (Trainer tr = new Trainer(model, tokenize, TrainConfig.defaults(500))) {
 *     while (tr.step() < 500) tr.train(loader.next());
 * }
 * }</pre>
 *
 * <p><b>May import:</b> {@code dev.jclip.progress}, {@code dev.jclip.torch}, {@code dev.jclip.text}, {@code dev.jclip.io}, {@code dev.jclip.image}, {@code dev.jclip.model}, {@code dev.jclip.data}, {@code dev.jclip.dist}, {@code dev.jclip.eval} (and the JDK and this module's libraries); nothing above it.
 * {@code LayeringTest} enforces this list.
 */
package dev.jclip.train;
