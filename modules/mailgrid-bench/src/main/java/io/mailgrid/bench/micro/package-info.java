/**
 * JMH microbenchmarks of the code every mail goes through, apart from the broker: the attachment
 * policy and content rules (MIME walk), the envelope in and out of message properties, the
 * header envelope of pickup and submit, and the stamp. {@code ./mailgrid bench} measures the
 * whole pipeline; these show how much of a mail's time is CPU in Mailgrid's own code.
 *
 * <p>Build, then run from the checkout (the benchmarks read config/ from the working directory,
 * or from {@code -Dmailgrid.home}):
 * <pre>
 * mvn -B -q package -DskipTests -pl modules/mailgrid-bench -am
 * java -cp modules/mailgrid-bench/target/mailgrid-bench.jar org.openjdk.jmh.Main \
 *     -f 1 -wi 3 -w 1s -i 5 -r 2s io.mailgrid.bench.micro
 * </pre>
 * The jar's manifest puts target/lib/ on the class path, for the JMH process and for the JVM it
 * forks. {@code org.openjdk.jmh.Main -h} lists the options (e.g. {@code -prof gc} for
 * allocation per operation); a class name instead of the package runs one benchmark.
 */
package io.mailgrid.bench.micro;
