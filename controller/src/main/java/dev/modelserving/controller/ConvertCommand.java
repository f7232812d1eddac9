package dev.modelserving.controller;

import dev.modelserving.controller.conversion.ConversionPreview;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code modelserving convert -f FILE}: offline, prints the ModelServing each LeaderWorkerSet in
 * FILE becomes and a summary of the pods and Services it would run, without a cluster.
 */
@Command(
    name = "convert",
    description =
        "Preview offline what LeaderWorkerSet manifests become: the ModelServing (YAML) and its pods.")
final class ConvertCommand implements Callable<Integer> {
  @Option(
      names = {"-f", "--filename"},
      required = true,
      description = "LeaderWorkerSet manifest (YAML, several documents allowed; - for stdin).")
  String file;

  @Override
  public Integer call() throws IOException {
    String yaml =
        "-".equals(file)
            ? new String(System.in.readAllBytes(), StandardCharsets.UTF_8)
            : readFile(Path.of(file));
    if (yaml == null) {
      return 2;
    }
    ConversionPreview.Result result = ConversionPreview.render(yaml);
    PrintStream out = System.out;
    out.print(result.output());
    if (!result.errors().isEmpty()) {
      result.errors().forEach(e -> System.err.println("error: " + e));
      return 1;
    }
    return 0;
  }

  private static String readFile(Path path) throws IOException {
    if (!Files.isRegularFile(path)) {
      System.err.println("error: " + path + " does not exist or is not a file");
      return null;
    }
    return Files.readString(path);
  }
}
