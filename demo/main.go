// Command hello serves a greeting; Berth's run-in-container feature builds and runs it in a Go
// toolchain image with this folder mounted.
package main

import (
	"fmt"
	"log"
	"net/http"
	"os"
)

func main() {
	port := os.Getenv("PORT")
	if port == "" {
		port = "8000"
	}
	http.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, "Hello from Go in a Berth toolchain container (%s %s)\n", r.Method, r.URL.Path)
	})
	log.Printf("listening on http://localhost:%s", port)
	log.Fatal(http.ListenAndServe(":"+port, nil))
}
