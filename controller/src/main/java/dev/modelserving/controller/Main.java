package dev.modelserving.controller;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Entry point of {@code bin/modelserving}: parses the command line and hands over to a command. */
@Command(
    name = "modelserving",
    mixinStandardHelpOptions = true,
    versionProvider = Main.Version.class,
    description =
        "ModelServing controller: Kthena's ModelServing API and native LeaderWorkerSet support.",
    subcommands = {RunCommand.class, ConvertCommand.class})
public final class Main implements Runnable {

  public static void main(String[] args) {
    System.exit(new CommandLine(new Main()).execute(args));
  }

  @Override
  public void run() {
    CommandLine.usage(this, System.out);
  }

  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = Main.class.getPackage().getImplementationVersion();
      return new String[] {"modelserving " + (v == null ? "dev" : v)};
    }
  }
}
