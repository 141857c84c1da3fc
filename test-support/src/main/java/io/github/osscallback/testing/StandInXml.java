package io.github.osscallback.testing;

import java.io.ByteArrayInputStream;
import java.util.ArrayList;
import java.util.List;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;

/** The little XML the stand-in reads and writes: escaping, and the part list of CompleteMultipartUpload. */
final class StandInXml {

    private StandInXml() {
    }

    static String escape(String text) {
        StringBuilder s = new StringBuilder(text.length());
        for (char c : text.toCharArray()) {
            switch (c) {
                case '&': s.append("&amp;"); break;
                case '<': s.append("&lt;"); break;
                case '>': s.append("&gt;"); break;
                case '"': s.append("&quot;"); break;
                default: s.append(c);
            }
        }
        return s.toString();
    }

    /**
     * The {@code (PartNumber, ETag)} pairs of a {@code CompleteMultipartUpload} document, in order.
     * Document type declarations are refused, so no entity is ever expanded or fetched.
     */
    static List<String[]> completeParts(byte[] xml) throws OssRefusal {
        Element root;
        try {
            DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
            factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            factory.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            factory.setExpandEntityReferences(false);
            DocumentBuilder builder = factory.newDocumentBuilder();
            builder.setErrorHandler(null);
            root = builder.parse(new ByteArrayInputStream(xml)).getDocumentElement();
        } catch (Exception e) {
            throw new OssRefusal(400, "MalformedXML", "The XML you provided was not well-formed.");
        }
        if (!root.getTagName().equals("CompleteMultipartUpload")) {
            throw new OssRefusal(400, "MalformedXML", "The XML you provided was not well-formed.");
        }
        List<String[]> parts = new ArrayList<>();
        NodeList children = root.getChildNodes();
        for (int i = 0; i < children.getLength(); i++) {
            Node node = children.item(i);
            if (node instanceof Element && ((Element) node).getTagName().equals("Part")) {
                Element part = (Element) node;
                parts.add(new String[] {text(part, "PartNumber"), text(part, "ETag")});
            }
        }
        return parts;
    }

    private static String text(Element parent, String name) {
        NodeList nodes = parent.getElementsByTagName(name);
        return nodes.getLength() == 0 ? "" : nodes.item(0).getTextContent();
    }
}
