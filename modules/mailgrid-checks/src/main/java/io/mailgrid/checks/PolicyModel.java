package io.mailgrid.checks;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;

import org.apache.camel.CamelContext;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.spi.ModelToXMLDumper;
import org.apache.camel.spi.Resource;
import org.apache.camel.support.PluginHelper;
import org.apache.camel.model.ChoiceDefinition;
import org.apache.camel.model.Model;
import org.apache.camel.model.ProcessDefinition;
import org.apache.camel.model.ProcessorDefinition;
import org.apache.camel.model.RouteConfigurationDefinition;
import org.apache.camel.model.RouteConfigurationsDefinition;
import org.apache.camel.model.RouteDefinition;
import org.apache.camel.model.RouteTemplatesDefinition;
import org.apache.camel.model.RoutesDefinition;
import org.apache.camel.model.RouteTemplateDefinition;
import org.apache.camel.model.ToDefinition;
import org.apache.camel.model.ToDynamicDefinition;

import io.mailgrid.core.ConfigException;

/**
 * Reads the policy's check steps from the routes as Camel loaded them (its route model), not from
 * the XML files: every {@code check:} step of every route, in route and document order, conditional
 * ones included.
 */
public final class PolicyModel {

    private PolicyModel() {
    }

    /**
     * The check steps of the routes Camel loaded.
     *
     * @throws ConfigException a step that cannot be read: a bad check URI, a check in a route template or
     *                         a dynamic {@code toD}, or the old {@code <process ref="check-NAME"/>} form
     */
    public static List<CheckDeclaration> read(CamelContext camel) {
        Model model = camel.getCamelContextExtension().getContextPlugin(Model.class);
        List<CheckDeclaration> steps = new ArrayList<>();
        for (RouteDefinition route : model.getRouteDefinitions()) {
            walk(camel, route.getOutputs(), steps, route.getRouteId());
        }
        for (RouteTemplateDefinition template : model.getRouteTemplateDefinitions()) {
            List<CheckDeclaration> inTemplate = new ArrayList<>();
            walk(null, template.getRoute().getOutputs(), inTemplate, template.getId());
            if (!inTemplate.isEmpty()) {
                throw new ConfigException("route template " + template.getId() + " has a check step; check steps belong "
                        + "in plain routes (routes/policy.xml), where every node's chain can be read before mail flows");
            }
        }
        return steps;
    }

    /**
     * The routes as Camel loaded them, dumped as XML in a stable form (routes sorted by id, without the
     * ones a template created at run time, placeholders unresolved, no source locations), with their
     * route templates, route configurations and the beans the XML declares: what the config hash covers.
     *
     * @throws ConfigException Camel cannot dump its model
     */
    public static String routesAsLoaded(CamelContext camel) {
        Model model = camel.getCamelContextExtension().getContextPlugin(Model.class);
        ModelToXMLDumper dumper = PluginHelper.getModelToXMLDumper(camel);
        try {
            RoutesDefinition routes = new RoutesDefinition();
            routes.setRoutes(model.getRouteDefinitions().stream().filter(route -> !route.isCreatedFromTemplate())
                    .sorted(Comparator.comparing(RouteDefinition::getRouteId)).toList());
            RouteTemplatesDefinition templates = new RouteTemplatesDefinition();
            templates.setRouteTemplates(model.getRouteTemplateDefinitions().stream()
                    .sorted(Comparator.comparing(RouteTemplateDefinition::getId)).toList());
            RouteConfigurationsDefinition configurations = new RouteConfigurationsDefinition();
            configurations.setRouteConfigurations(model.getRouteConfigurationDefinitions().stream()
                    .sorted(Comparator.comparing(RouteConfigurationDefinition::getId)).toList());
            return dumper.dumpModelAsXml(camel, routes, false, false, false)
                    + dumper.dumpModelAsXml(camel, templates, false, false, false)
                    + dumper.dumpModelAsXml(camel, configurations, false, false, false)
                    + dumper.dumpBeansAsXml(camel, new ArrayList<>(model.getCustomBeans()));
        } catch (Exception e) {
            throw new ConfigException("the routes as loaded cannot be written out for the config hash: " + e, e);
        }
    }

    /**
     * The policy chain of routes not running here: the routes of {@code routesDir} loaded by Camel into a
     * context that never starts (for a command that publishes mail without a node, e.g. submit).
     *
     * @param placeholders the settings the routes' {{placeholders}} name
     * @throws ConfigException the routes cannot be loaded, or a step is bad
     */
    public static List<String> chainOf(Path routesDir, Properties placeholders) {
        CamelContext camel = load(routesDir, placeholders);
        try {
            return read(camel).stream().map(CheckDeclaration::instance).distinct().toList();
        } finally {
            close(camel);
        }
    }

    /**
     * The routes of {@code routesDir} loaded into a Camel context that is built but never started:
     * their model, for tools and tests. The caller closes it.
     *
     * @throws ConfigException the routes cannot be loaded
     */
    public static CamelContext load(Path routesDir, Properties placeholders) {
        CamelContext camel = new DefaultCamelContext(false);
        try {
            camel.getPropertiesComponent().setInitialProperties(placeholders);
            camel.build();
            List<Resource> files = new ArrayList<>();
            try (DirectoryStream<Path> xml = Files.newDirectoryStream(routesDir, "*.xml")) {
                xml.forEach(file -> files.add(PluginHelper.getResourceLoader(camel)
                        .resolveResource("file:" + file.toAbsolutePath())));
            }
            files.sort(Comparator.comparing(Resource::getLocation));
            PluginHelper.getRoutesLoader(camel).loadRoutes(files);
            return camel;
        } catch (Exception e) {
            close(camel);
            throw e instanceof ConfigException config ? config
                    : new ConfigException("routes in " + routesDir + " cannot be loaded: " + e.getMessage(), e);
        }
    }

    private static void close(CamelContext camel) {
        try {
            camel.close();
        } catch (Exception e) {
            // a context that never started holds nothing worth reporting
        }
    }

    private static void walk(CamelContext camel, List<ProcessorDefinition<?>> outputs, List<CheckDeclaration> steps,
            String route) {
        for (ProcessorDefinition<?> output : outputs) {
            if (output instanceof ToDefinition to && isCheck(to.getUri())) {
                steps.add(camel == null ? CheckDeclaration.parse("check:pass-all")
                        : parse(camel, to.getUri(), route));
            } else if (output instanceof ToDynamicDefinition to && isCheck(to.getUri())) {
                throw new ConfigException("route " + route + ": <toD uri=\"" + to.getUri() + "\"/>: a check step must be a "
                        + "plain <to>, so the chain is known before mail flows");
            } else if (output instanceof ProcessDefinition process && process.getRef() != null
                    && process.getRef().startsWith("check-")) {
                throw new ConfigException("route " + route + ": <process ref=\"" + process.getRef() + "\"/> is the old "
                        + "form of a check step; write <to uri=\"check:" + process.getRef().substring("check-".length())
                        + "\"/> (README \"Policy checks\")");
            }
            if (output instanceof ChoiceDefinition choice) {
                choice.getWhenClauses().forEach(when -> walk(camel, when.getOutputs(), steps, route));
                if (choice.getOtherwise() != null) {
                    walk(camel, choice.getOtherwise().getOutputs(), steps, route);
                }
            } else {
                walk(camel, output.getOutputs(), steps, route);
            }
        }
    }

    private static boolean isCheck(String uri) {
        return uri != null && uri.startsWith(CheckDeclaration.SCHEME + ":");
    }

    private static CheckDeclaration parse(CamelContext camel, String uri, String route) {
        try {
            return CheckDeclaration.parse(camel.resolvePropertyPlaceholders(uri));
        } catch (ConfigException e) {
            throw new ConfigException("route " + route + ": " + e.getMessage(), e);
        }
    }
}
