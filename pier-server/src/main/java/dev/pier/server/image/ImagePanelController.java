package dev.pier.server.image;

import dev.pier.engine.image.ImageRecipe;
import dev.pier.server.common.PierException;
import dev.pier.server.common.PierException.Kind;
import dev.pier.server.security.SecurityConfig;
import dev.pier.server.web.ErrorStatus;
import dev.pier.server.web.Flash;
import java.util.List;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.Authentication;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseBody;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

/**
 * The images page: everyone sees the images, their state and versions; admins add Debian images from a package
 * list, rebuild or change them, read their build logs and delete them. The page reloads itself while a build runs.
 */
@Controller
class ImagePanelController {

  private final ImageService images;

  ImagePanelController(ImageService images) {
    this.images = images;
  }

  @GetMapping("/images")
  String list(Authentication auth, Model model) {
    List<ImageView> all = images.list();
    model.addAttribute("caller", SecurityConfig.caller(auth));
    model.addAttribute("images", all);
    model.addAttribute("building", all.stream().anyMatch(i -> i.lastBuild() != null && i.lastBuild().active()));
    model.addAttribute("basePackages", String.join(", ", ImageRecipe.BASE_PACKAGES));
    return "images";
  }

  @PostMapping("/images")
  String create(@RequestParam String name, @RequestParam(defaultValue = "") String packages, Authentication auth, RedirectAttributes flash) {
    Flash.attempt(flash, () -> {
      ImageView v = images.create(SecurityConfig.caller(auth), name.strip(), ImageRecipe.parsePackages(packages));
      return "Image " + v.name() + " added; its build is under way.";
    });
    return "redirect:/images";
  }

  @PostMapping("/images/{name}/packages")
  String change(@PathVariable String name, @RequestParam(defaultValue = "") String packages, Authentication auth, RedirectAttributes flash) {
    Flash.attempt(flash, () -> {
      images.changePackages(SecurityConfig.caller(auth), name, ImageRecipe.parsePackages(packages));
      return "Image " + name + " changed; its new version is being built. Running sites keep theirs until they restart.";
    });
    return "redirect:/images";
  }

  @PostMapping("/images/{name}/build")
  String rebuild(@PathVariable String name, Authentication auth, RedirectAttributes flash) {
    Flash.attempt(flash, () -> {
      images.rebuild(SecurityConfig.caller(auth), name);
      return "Image " + name + " is being rebuilt. Running sites keep their version until they restart.";
    });
    return "redirect:/images";
  }

  @PostMapping("/images/{name}/delete")
  String delete(@PathVariable String name, Authentication auth, RedirectAttributes flash) {
    Flash.attempt(flash, () -> {
      images.delete(SecurityConfig.caller(auth), name);
      return "Image " + name + " deleted.";
    });
    return "redirect:/images";
  }

  @GetMapping(value = "/images/{name}/log", produces = MediaType.TEXT_PLAIN_VALUE)
  @ResponseBody
  String log(@PathVariable String name, Authentication auth) {
    return images.buildLog(SecurityConfig.caller(auth), name);
  }

  /** The log page for someone who may not read it, or of an image that does not exist: the status and the reason. */
  @ExceptionHandler(PierException.class)
  ResponseEntity<String> refused(PierException e) {
    return ResponseEntity.status(ErrorStatus.of(e.kind())).contentType(MediaType.TEXT_PLAIN)
        .body(Flash.sentence(e.getMessage()) + "\n");
  }

}
