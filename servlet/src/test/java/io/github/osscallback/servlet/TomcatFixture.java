package io.github.osscallback.servlet;

import jakarta.servlet.Filter;
import jakarta.servlet.http.HttpServlet;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.catalina.Context;
import org.apache.catalina.Wrapper;
import org.apache.catalina.startup.Tomcat;
import org.apache.tomcat.util.descriptor.web.FilterDef;
import org.apache.tomcat.util.descriptor.web.FilterMap;

/** Embedded Tomcat 10.1 (Servlet 6). */
final class TomcatFixture implements ContainerFixture {
    private Tomcat tomcat;

    @Override
    public String start(String contextPath, String mapping, Filter filter, Map<String, String> initParams,
                        HttpServlet servlet) throws Exception {
        Context context = newContext(contextPath);
        FilterDef def = new FilterDef();
        def.setFilterName("oss-callback");
        if (filter != null) {
            def.setFilter(filter);
        } else {
            def.setFilterClass(OssCallbackFilter.class.getName());
        }
        initParams.forEach(def::addInitParameter);
        addFilter(context, def, mapping);
        Tomcat.addServlet(context, "callback", servlet);
        return startWith(context, mapping, contextPath);
    }

    @Override
    public String startAsyncCapable(String mapping, List<Filter> filters, HttpServlet servlet) throws Exception {
        Context context = newContext("");
        for (int i = 0; i < filters.size(); i++) {
            FilterDef def = new FilterDef();
            def.setFilterName("filter-" + i);
            def.setFilter(filters.get(i));
            def.setAsyncSupported("true");
            addFilter(context, def, mapping); // filter maps apply in the order they are added
        }
        Wrapper wrapper = Tomcat.addServlet(context, "callback", servlet);
        wrapper.setAsyncSupported(true);
        return startWith(context, mapping, "");
    }

    private Context newContext(String contextPath) throws Exception {
        Path base = Files.createTempDirectory("tomcat");
        tomcat = new Tomcat();
        tomcat.setBaseDir(base.toString());
        tomcat.setPort(0);
        tomcat.getConnector().setProperty("address", "127.0.0.1");
        return tomcat.addContext(contextPath, base.toString());
    }

    private static void addFilter(Context context, FilterDef def, String mapping) {
        context.addFilterDef(def);
        FilterMap map = new FilterMap();
        map.setFilterName(def.getFilterName());
        map.addURLPattern(mapping);
        context.addFilterMap(map);
    }

    private String startWith(Context context, String mapping, String contextPath) throws Exception {
        context.addServletMappingDecoded(mapping, "callback");
        tomcat.start();
        return "http://127.0.0.1:" + tomcat.getConnector().getLocalPort() + contextPath;
    }

    @Override
    public void close() throws Exception {
        if (tomcat != null) {
            tomcat.stop();
            tomcat.destroy();
            tomcat = null; // closing twice (a test stops it itself) is harmless
        }
    }
}
