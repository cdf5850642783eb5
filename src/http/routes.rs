//! A router that writes down what it routes. Every capability hands its routes to the
//! composition root as `Routes`; the method and path of each go into one table, which the
//! route × role test walks (tests/it/routes.rs). A route added any other way does not exist,
//! so no route escapes that test.

use axum::Router;
use axum::handler::Handler;
use axum::routing::MethodRouter;

use super::Shared;

#[derive(Default)]
pub struct Routes {
    paths: Vec<(&'static str, MethodRouter<Shared>)>,
    /// Routes built elsewhere (many static paths of one pattern), listed under their pattern.
    extra: Vec<Router<Shared>>,
    table: Vec<(&'static str, &'static str)>,
}

impl Routes {
    pub fn new() -> Routes {
        Routes::default()
    }

    pub fn get<H, T>(self, path: &'static str, handler: H) -> Routes
    where
        H: Handler<T, Shared>,
        T: 'static,
    {
        self.on("GET", path, |m| m.get(handler))
    }

    pub fn post<H, T>(self, path: &'static str, handler: H) -> Routes
    where
        H: Handler<T, Shared>,
        T: 'static,
    {
        self.on("POST", path, |m| m.post(handler))
    }

    pub fn head<H, T>(self, path: &'static str, handler: H) -> Routes
    where
        H: Handler<T, Shared>,
        T: 'static,
    {
        self.on("HEAD", path, |m| m.head(handler))
    }

    pub fn patch<H, T>(self, path: &'static str, handler: H) -> Routes
    where
        H: Handler<T, Shared>,
        T: 'static,
    {
        self.on("PATCH", path, |m| m.patch(handler))
    }

    pub fn delete<H, T>(self, path: &'static str, handler: H) -> Routes
    where
        H: Handler<T, Shared>,
        T: 'static,
    {
        self.on("DELETE", path, |m| m.delete(handler))
    }

    pub fn options<H, T>(self, path: &'static str, handler: H) -> Routes
    where
        H: Handler<T, Shared>,
        T: 'static,
    {
        self.on("OPTIONS", path, |m| m.options(handler))
    }

    fn on(
        mut self,
        method: &'static str,
        path: &'static str,
        add: impl FnOnce(MethodRouter<Shared>) -> MethodRouter<Shared>,
    ) -> Routes {
        self.put(path, add(MethodRouter::new()));
        self.table.push((method, path));
        self
    }

    /// Adds the methods of `m` to the path's router (axum refuses the same path twice).
    fn put(&mut self, path: &'static str, m: MethodRouter<Shared>) {
        match self.paths.iter_mut().find(|(p, _)| *p == path) {
            Some((_, mine)) => *mine = std::mem::take(mine).merge(m),
            None => self.paths.push((path, m)),
        }
    }

    /// A family of routes one pattern describes (`/sitemap-{n}.xml`), built as a plain router
    /// because the path syntax cannot say it; listed once under the pattern.
    pub fn family(
        mut self,
        method: &'static str,
        pattern: &'static str,
        r: Router<Shared>,
    ) -> Routes {
        self.extra.push(r);
        self.table.push((method, pattern));
        self
    }

    pub fn merge(mut self, other: Routes) -> Routes {
        for (path, m) in other.paths {
            self.put(path, m);
        }
        self.extra.extend(other.extra);
        self.table.extend(other.table);
        self
    }

    /// (method, path) of every route, in the order they were added.
    pub fn table(&self) -> &[(&'static str, &'static str)] {
        &self.table
    }

    pub fn into_router(self) -> Router<Shared> {
        let r = self
            .paths
            .into_iter()
            .fold(Router::new(), |r, (path, m)| r.route(path, m));
        self.extra.into_iter().fold(r, Router::merge)
    }
}

#[cfg(test)]
mod tests {
    use super::Routes;

    async fn a() -> &'static str {
        "a"
    }
    async fn b() -> &'static str {
        "b"
    }

    #[test]
    fn one_path_takes_several_methods_and_every_route_is_listed() {
        let r = Routes::new()
            .get("/x", a)
            .merge(Routes::new().post("/x", b).get("/y", b))
            .family("GET", "/z-{n}", axum::Router::new());
        assert_eq!(
            r.table(),
            &[
                ("GET", "/x"),
                ("POST", "/x"),
                ("GET", "/y"),
                ("GET", "/z-{n}")
            ]
        );
        // Building does not panic on the shared path (axum refuses overlapping routes).
        let _ = r.into_router();
    }
}
