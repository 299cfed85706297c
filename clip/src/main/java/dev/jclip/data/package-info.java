/**
 * Training and evaluation data: datasets of image-caption pairs ({@link dev.jclip.data.ImageTextDataset}:
 * caption folders read by {@link dev.jclip.data.CaptionFolder}, CSV/TSV in {@link dev.jclip.data.CaptionedFiles},
 * {@link dev.jclip.data.WebDataset} shards, Fashion-MNIST, synthetic shapes), labelled image sets
 * ({@link dev.jclip.data.LabelledImages}, {@link dev.jclip.data.LabelledFolder}) and the seeded,
 * sharded {@link dev.jclip.data.DataLoader}.
 *
 * <pre>{@code
 * ImageTextDataset pairs = CaptionedFiles.open(Path.of("pairs/"), 224);
 * }</pre>
 *
 * <p><b>May import:</b> {@code dev.jclip.progress}, {@code dev.jclip.torch}, {@code dev.jclip.text}, {@code dev.jclip.io}, {@code dev.jclip.image}, {@code dev.jclip.model} (and the JDK and this module's libraries); nothing above it.
 * {@code LayeringTest} enforces this list.
 */
package dev.jclip.data;
