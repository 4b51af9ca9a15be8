// Starts Swagger UI on /docs from this server's own copy (api_docs.py): no CDN, no inline script.
window.addEventListener("DOMContentLoaded", function () {
  window.SwaggerUIBundle({
    url: "/openapi.json",
    dom_id: "#swagger-ui",
    deepLinking: true,
    // Try it out sends requests with the browser's session cookie, as the signed-in person.
    withCredentials: true,
  });
});
