package io.github.osscallback.servlet;

import jakarta.servlet.Filter;
import jakarta.servlet.http.HttpServlet;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.apache.catalina.Context;
import org.apache.catalina.startup.Tomcat;
import org.apache.tomcat.util.descriptor.web.FilterDef;
import org.apache.tomcat.util.descriptor.web.FilterMap;

/** Embedded Tomcat 10.1 (Servlet 6). */
final class TomcatFixture implements ContainerFixture {
    private Tomcat tomcat;

    @Override
    public String start(String contextPath, String mapping, Filter filter, Map<String, String> initParams,
                        HttpServlet servlet) throws Exception {
        Path base = Files.createTempDirectory("tomcat");
        tomcat = new Tomcat();
        tomcat.setBaseDir(base.toString());
        tomcat.setPort(0);
        tomcat.getConnector().setProperty("address", "127.0.0.1");
        Context context = tomcat.addContext(contextPath, base.toString());
        FilterDef def = new FilterDef();
        def.setFilterName("oss-callback");
        if (filter != null) {
            def.setFilter(filter);
        } else {
            def.setFilterClass(OssCallbackFilter.class.getName());
        }
        initParams.forEach(def::addInitParameter);
        context.addFilterDef(def);
        FilterMap map = new FilterMap();
        map.setFilterName("oss-callback");
        map.addURLPattern(mapping);
        context.addFilterMap(map);
        Tomcat.addServlet(context, "callback", servlet);
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
