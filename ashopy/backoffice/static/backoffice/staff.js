// The import page's file picker: the chosen file's name beside the « Importer un fichier » button.
// Without JavaScript the form works the same; only the name is not echoed.
document.querySelectorAll("[data-file-picker]").forEach((picker) => {
  const input = picker.querySelector("input[type=file]");
  const name = picker.querySelector("[data-file-name]");
  if (!input || !name) return;
  input.addEventListener("change", () => {
    if (input.files && input.files.length) name.textContent = input.files[0].name;
  });
});
